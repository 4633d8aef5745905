package io.github.gracefulshutdown.metrics;

import java.util.LinkedHashSet;
import java.util.Set;

import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.autoconfigure.BuildTimeSwitches;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Configuration that records shutdown phase durations in the
 * {@code shutdown.phase.duration} timer, when the application has a meter registry.
 * Imported by {@link GracefulShutdownAutoConfiguration}, which comes after Spring Boot's
 * meter registry auto-configurations.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "graceful-shutdown.metrics.enabled", matchIfMissing = true)
@ConditionalOnBean(MeterRegistry.class)
public final class GracefulShutdownMetricsConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownMeterListener")
	MicrometerShutdownPhaseListener gracefulShutdownMeterListener(MeterRegistry registry,
			GracefulShutdownProperties properties, ObjectProvider<ShutdownParticipant> participants,
			Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOff(environment, "graceful-shutdown.metrics.enabled", "true",
				"the shutdown.phase.duration timer");
		return new MicrometerShutdownPhaseListener(registry, properties.getMetrics().getBuckets(), () -> {
			Set<String> phases = new LinkedHashSet<>(ShutdownPhaseNames.ALL);
			participants.orderedStream().map(ShutdownParticipant::getPhase).forEach(phases::add);
			return phases;
		});
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "graceful-shutdown.metrics.defer-registry-close", matchIfMissing = true)
	MeterRegistryCloseDeferral gracefulShutdownMeterRegistryCloseDeferral(ConfigurableApplicationContext context,
			ShutdownCoordinator coordinator) {
		BuildTimeSwitches.warnIfSwitchedOff(context.getEnvironment(), "graceful-shutdown.metrics.defer-registry-close",
				"true", "the deferred close of the meter registries");
		return new MeterRegistryCloseDeferral(context, coordinator);
	}

}
