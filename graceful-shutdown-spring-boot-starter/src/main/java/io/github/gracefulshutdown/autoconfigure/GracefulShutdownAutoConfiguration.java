package io.github.gracefulshutdown.autoconfigure;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.MonotonicClock;
import io.github.gracefulshutdown.RequestArrivals;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownMarkerLifecycle;
import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownParticipants;
import io.github.gracefulshutdown.ShutdownPhaseListener;
import io.github.gracefulshutdown.ShutdownSignal;
import io.github.gracefulshutdown.SignalForceExit;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpointConfiguration;
import io.github.gracefulshutdown.kafka.KafkaGracefulShutdownConfiguration;
import io.github.gracefulshutdown.metrics.GracefulShutdownMetricsConfiguration;
import io.github.gracefulshutdown.readiness.PropagationDelayListener;
import io.github.gracefulshutdown.readiness.ReadinessGuard;
import io.github.gracefulshutdown.scheduling.TaskSchedulingGracefulShutdownConfiguration;
import io.github.gracefulshutdown.web.ReactiveWebGracefulShutdownConfiguration;
import io.github.gracefulshutdown.web.WebGracefulShutdownConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the graceful shutdown: the
 * {@link ShutdownCoordinator} with its budget and watchdog, the readiness flip and
 * propagation delay at the start of the shutdown, the second-signal force exit and the
 * summary at the end. It imports the configurations of the parts that depend on the
 * classpath and the application's beans (servlet web applications, Kafka listener
 * containers, task scheduling, metrics, the actuator endpoint), which a condition on each
 * switches off; it comes after the auto-configurations that define the beans they look
 * for. One auto-configuration rather than one per part, so that the parts need no
 * conditions of their own on {@code graceful-shutdown.enabled} and on the coordinator's
 * beans: Spring Boot evaluates every condition at every startup.
 * <p>
 * In a hierarchy of contexts it applies to the topmost context that runs it, and backs
 * off in the contexts below: Spring Boot closes a child context when its parent closes,
 * after the parent's propagation delay, and a child context closed on its own is no
 * shutdown of the application.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
		after = { ApplicationAvailabilityAutoConfiguration.class, LifecycleAutoConfiguration.class,
				TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class },
		afterName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "graceful-shutdown.enabled", matchIfMissing = true)
@Conditional(TopmostContextCondition.class)
@EnableConfigurationProperties(GracefulShutdownProperties.class)
@Import({ WebGracefulShutdownConfiguration.class, ReactiveWebGracefulShutdownConfiguration.class,
		KafkaGracefulShutdownConfiguration.class, TaskSchedulingGracefulShutdownConfiguration.class,
		GracefulShutdownMetricsConfiguration.class, GracefulShutdownEndpointConfiguration.class })
public final class GracefulShutdownAutoConfiguration {

	// The coordinator backs off when the application defines its own. The other beans
	// are its configuration (the budget, from the properties) and internal wiring, and
	// have no bean condition on their type: each one would scan every bean definition
	// at startup

	@Bean
	ShutdownBudget gracefulShutdownBudget(GracefulShutdownProperties properties, Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOff(environment, "graceful-shutdown.enabled", "true", "the graceful shutdown");
		ConflictingShutdownHooks.warnIfAny(environment);
		return ShutdownBudget.of(properties, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownCoordinator gracefulShutdownCoordinator(ShutdownBudget budget, GracefulShutdownProperties properties,
			ObjectProvider<ShutdownPhaseListener> listeners) {
		return new ShutdownCoordinator(budget.timeout(), properties.getForceExit().isOnTimeout(),
				listeners.orderedStream().toList(), MonotonicClock.system());
	}

	// Registered after the ApplicationAvailability bean, so that for an ACCEPTING_TRAFFIC
	// event the guard runs last and its REFUSING_TRAFFIC is the state that sticks
	@Bean
	ReadinessGuard gracefulShutdownReadinessGuard(ConfigurableApplicationContext context,
			ShutdownCoordinator coordinator) {
		return new ReadinessGuard(context, coordinator);
	}

	@Bean
	PropagationDelayListener gracefulShutdownPropagationDelayListener(ConfigurableApplicationContext context,
			ShutdownCoordinator coordinator, ReadinessGuard readinessGuard, ShutdownBudget budget,
			GracefulShutdownProperties properties, ObjectProvider<InFlightRequests> inFlightRequests,
			ObjectProvider<RequestArrivals> requestArrivals, ObjectProvider<ApplicationAvailability> availability,
			ObjectProvider<ShutdownSignal> shutdownSignal) {
		return new PropagationDelayListener(context, coordinator, readinessGuard, budget.propagationDelay(),
				properties.getPropagationQuietPeriod(), properties.getPropagationMinDelay(), inFlightRequests,
				requestArrivals, availability, shutdownSignal);
	}

	@Bean
	ShutdownSignal gracefulShutdownSignal(ShutdownBudget budget, GracefulShutdownProperties properties) {
		return new ShutdownSignal(properties.getShutdownSignal().getFires(), budget.closeReserve(),
				MonotonicClock.system());
	}

	@Bean
	ShutdownParticipants gracefulShutdownParticipants(ShutdownCoordinator coordinator, ShutdownBudget budget,
			ObjectProvider<ShutdownParticipant> participants, ObjectProvider<ShutdownSignal> shutdownSignal) {
		return new ShutdownParticipants(coordinator, participants.orderedStream().toList(), budget.closeReserve(),
				shutdownSignal.getIfAvailable());
	}

	@Bean
	SmartLifecycle gracefulShutdownParticipantsStop(ShutdownParticipants participants) {
		return participants.stopLifecycle();
	}

	@Bean
	SmartLifecycle gracefulShutdownParticipantsAwait(ShutdownParticipants participants) {
		return participants.awaitLifecycle();
	}

	// When the propagation delay is over, the phases after it get the budget left
	@Bean
	ShutdownMarkerLifecycle gracefulShutdownPhaseTimeouts(ShutdownCoordinator coordinator, ShutdownBudget budget,
			ObjectProvider<DefaultLifecycleProcessor> lifecycleProcessor) {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.WORKERS_STOP, coordinator,
				() -> ShutdownPhaseTimeoutsPostProcessor.boundByBudgetLeft(lifecycleProcessor, coordinator,
						budget.closeReserve()));
	}

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownComplete")
	ShutdownMarkerLifecycle gracefulShutdownComplete(ShutdownCoordinator coordinator) {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.COMPLETE, coordinator, coordinator::complete);
	}

	// Nothing injects it: with spring.main.lazy-initialization it would never be created
	@Bean(initMethod = "install", destroyMethod = "uninstall")
	@Lazy(false)
	@ConditionalOnBooleanProperty(name = "graceful-shutdown.force-exit.on-second-signal", matchIfMissing = true)
	SignalForceExit gracefulShutdownSignalForceExit(ShutdownCoordinator coordinator, Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOff(environment, "graceful-shutdown.force-exit.on-second-signal", "true",
				"the second-signal force exit");
		return new SignalForceExit(coordinator);
	}

	@Bean
	static ShutdownPhaseTimeoutsPostProcessor gracefulShutdownPhaseTimeoutsPostProcessor(
			ObjectProvider<ShutdownBudget> budget) {
		return new ShutdownPhaseTimeoutsPostProcessor(budget);
	}

}
