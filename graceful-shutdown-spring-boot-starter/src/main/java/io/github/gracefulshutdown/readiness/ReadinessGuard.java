package io.github.gracefulshutdown.readiness;

import io.github.gracefulshutdown.ShutdownCoordinator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * Keeps readiness at {@link ReadinessState#REFUSING_TRAFFIC} once the shutdown has begun.
 * When SIGTERM arrives during startup, Spring Boot's main thread still publishes
 * {@link ReadinessState#ACCEPTING_TRAFFIC} after the shutdown hook flipped readiness; the
 * guard flips it back. It also remembers whether the application ever accepted traffic.
 *
 * @since 0.1.0
 */
public final class ReadinessGuard implements ApplicationListener<AvailabilityChangeEvent<?>> {

	private static final Log logger = LogFactory.getLog(ReadinessGuard.class);

	private final ApplicationContext context;

	private final ShutdownCoordinator coordinator;

	private volatile boolean acceptedTraffic;

	/**
	 * Create a new guard.
	 * @param context the application context to publish readiness changes to
	 * @param coordinator the coordinator that knows whether the shutdown has begun
	 */
	public ReadinessGuard(ApplicationContext context, ShutdownCoordinator coordinator) {
		this.context = context;
		this.coordinator = coordinator;
	}

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
		if (event.getState() != ReadinessState.ACCEPTING_TRAFFIC) {
			return;
		}
		if (!this.coordinator.isShuttingDown()) {
			this.acceptedTraffic = true;
			return;
		}
		logger.info("Readiness changed to ACCEPTING_TRAFFIC after the shutdown began, restoring REFUSING_TRAFFIC");
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
	}

	/**
	 * Return whether the application reported {@link ReadinessState#ACCEPTING_TRAFFIC}
	 * before the shutdown began, that is whether a load balancer may be routing to it.
	 * @return whether the application accepted traffic
	 */
	public boolean hasAcceptedTraffic() {
		return this.acceptedTraffic;
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

}
