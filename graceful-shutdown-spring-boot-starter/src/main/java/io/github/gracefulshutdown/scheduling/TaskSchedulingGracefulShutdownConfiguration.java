package io.github.gracefulshutdown.scheduling;

import io.github.gracefulshutdown.ShutdownParticipants;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.autoconfigure.BuildTimeSwitches;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Configuration of the {@link ShutdownPhaseNames#SCHEDULING scheduling} phase, which runs
 * in parallel with the HTTP drain (see {@link ShutdownParticipants}). Imported by
 * {@link GracefulShutdownAutoConfiguration}.
 * <p>
 * Spring Boot already shuts down its {@code ThreadPoolTaskScheduler} when the context
 * closes, but a pending cron firing still runs afterwards, a scheduler configured with
 * {@code spring.task.scheduling.shutdown.await-termination} keeps firing until bean
 * destruction, and running tasks are interrupted at destruction unless they finish within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. The scheduling phase stops every
 * trigger (also those of a {@code SimpleAsyncTaskScheduler}), lets the running scheduled
 * tasks and the {@code @Async} tasks of {@code ThreadPoolTaskExecutor}s finish within
 * {@code graceful-shutdown.scheduling.timeout}, and only then interrupts the scheduled
 * tasks left. Task executors keep accepting tasks, since requests still being drained may
 * submit some. A {@code SimpleAsyncTaskExecutor} cannot be observed: it is given the same
 * timeout to wait for its running tasks when it is closed at bean destruction.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "graceful-shutdown.scheduling.enabled", matchIfMissing = true)
public final class TaskSchedulingGracefulShutdownConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownSchedulingParticipant")
	TaskSchedulingShutdownParticipant gracefulShutdownSchedulingParticipant(ShutdownBudget budget,
			TaskSchedulingShutdownPostProcessor postProcessor, Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOff(environment, "graceful-shutdown.scheduling.enabled", "true",
				"the stop of task schedulers and executors");
		return new TaskSchedulingShutdownParticipant(postProcessor::getExecutors, budget.schedulingTimeout());
	}

	@Bean
	static TaskSchedulingShutdownPostProcessor gracefulShutdownSchedulingPostProcessor(
			ObjectProvider<ShutdownBudget> budget) {
		return new TaskSchedulingShutdownPostProcessor(budget);
	}

}
