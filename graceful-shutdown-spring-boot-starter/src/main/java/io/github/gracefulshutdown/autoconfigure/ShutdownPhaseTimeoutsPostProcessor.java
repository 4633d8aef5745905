package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.ShutdownCoordinator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * Sets the shutdown timeouts of the lifecycle phases that run after the propagation delay
 * (the worker stop, the end of long-lived requests, Spring Boot's web server drain and
 * the drain end) to the budget left after the delay, less the close reserve, so that
 * {@code spring.lifecycle.timeout-per-shutdown-phase} neither cuts them short nor lets
 * them run past the budget. Other phases keep Spring Boot's timeout.
 * <p>
 * At startup the timeouts assume the configured delay; {@link #boundByBudgetLeft} sets
 * them again when the delay is over, from the budget actually left: a delay that ended
 * early (its quiet period) or was skipped leaves more.
 */
class ShutdownPhaseTimeoutsPostProcessor implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(ShutdownPhaseTimeoutsPostProcessor.class);

	private static final int[] PHASES = { GracefulShutdownPhases.WORKERS_STOP,
			GracefulShutdownPhases.LONG_LIVED_REQUESTS, GracefulShutdownPhases.HTTP_DRAIN_START,
			GracefulShutdownPhases.WEB_SERVER_GRACEFUL_SHUTDOWN, GracefulShutdownPhases.HTTP_DRAIN_END };

	private final ObjectProvider<ShutdownBudget> budget;

	ShutdownPhaseTimeoutsPostProcessor(ObjectProvider<ShutdownBudget> budget) {
		this.budget = budget;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME.equals(beanName)) {
			return bean;
		}
		if (!(bean instanceof DefaultLifecycleProcessor lifecycleProcessor)) {
			logger
				.warn("Cannot set the shutdown phase timeouts of the graceful shutdown on lifecycle processor of type "
						+ bean.getClass().getName()
						+ "; 'spring.lifecycle.timeout-per-shutdown-phase' applies instead");
			return bean;
		}
		setTimeouts(lifecycleProcessor, this.budget.getObject().phaseTimeout());
		return bean;
	}

	/**
	 * Set the timeouts of the phases after the delay from the budget left now. Spring
	 * reads the timeout of a phase after it has asked the phase's beans to stop, so this
	 * applies to the phase it runs in as well.
	 * @param lifecycleProcessor the lifecycle processor, if it is a
	 * {@link DefaultLifecycleProcessor}
	 * @param coordinator the coordinator of the running shutdown
	 * @param closeReserve the part of the budget kept back for closing the rest
	 */
	static void boundByBudgetLeft(ObjectProvider<DefaultLifecycleProcessor> lifecycleProcessor,
			ShutdownCoordinator coordinator, Duration closeReserve) {
		DefaultLifecycleProcessor processor = lifecycleProcessor.getIfUnique();
		if (processor != null) {
			Duration left = coordinator.remaining().minus(closeReserve);
			setTimeouts(processor, left.isNegative() ? Duration.ZERO : left);
		}
	}

	private static void setTimeouts(DefaultLifecycleProcessor lifecycleProcessor, Duration timeout) {
		for (int phase : PHASES) {
			lifecycleProcessor.setTimeoutForShutdownPhase(phase, timeout.toMillis());
		}
	}

}
