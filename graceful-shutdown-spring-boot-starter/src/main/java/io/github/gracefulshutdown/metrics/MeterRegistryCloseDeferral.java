package io.github.gracefulshutdown.metrics;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownPhaseLifecycle;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.AbstractApplicationContext;

/**
 * Moves the closing of the meter registries from the start of the shutdown to the end of
 * its last phase, as the {@link ShutdownPhaseLifecycle} of that phase. Spring Boot's
 * {@code MeterRegistryCloser} closes every registry on {@link ContextClosedEvent}, before
 * any lifecycle phase, so push registries (OTLP and other step registries) would publish
 * their last batch without the phase timings. This takes it off the event multicaster
 * once the application has started and calls it in
 * {@link GracefulShutdownPhases#METER_REGISTRIES_CLOSE}, once every phase (the total
 * among them) has been recorded, so the final publish carries every phase. When the
 * shutdown never begins, the registries are closed at bean destruction as usual.
 */
final class MeterRegistryCloseDeferral extends ShutdownPhaseLifecycle implements SmartInitializingSingleton {

	static final String CLOSER_BEAN_NAME = "meterRegistryCloser";

	private static final Log logger = LogFactory.getLog(MeterRegistryCloseDeferral.class);

	private final ConfigurableApplicationContext context;

	private volatile @Nullable ApplicationListener<ContextClosedEvent> closer;

	MeterRegistryCloseDeferral(ConfigurableApplicationContext context, ShutdownCoordinator coordinator) {
		super(GracefulShutdownPhases.METER_REGISTRIES_CLOSE, coordinator);
		this.context = context;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void afterSingletonsInstantiated() {
		if (!this.context.containsBean(CLOSER_BEAN_NAME)
				|| !this.context.containsBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)) {
			return;
		}
		Object closer = this.context.getBean(CLOSER_BEAN_NAME);
		if (!(closer instanceof ApplicationListener<?>)) {
			return;
		}
		ApplicationEventMulticaster multicaster = this.context.getBean(
				AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME, ApplicationEventMulticaster.class);
		multicaster.removeApplicationListener((ApplicationListener<?>) closer);
		multicaster.removeApplicationListenerBean(CLOSER_BEAN_NAME);
		this.closer = (ApplicationListener<ContextClosedEvent>) closer;
		logger.debug("Meter registries will be closed at the end of the graceful shutdown");
	}

	@Override
	protected void stopPhase() {
		ApplicationListener<ContextClosedEvent> closer = this.closer;
		this.closer = null;
		if (closer != null) {
			closer.onApplicationEvent(new ContextClosedEvent(this.context));
		}
	}

}
