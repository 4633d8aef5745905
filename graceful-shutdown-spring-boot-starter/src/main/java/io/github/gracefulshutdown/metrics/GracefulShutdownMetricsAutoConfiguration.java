package io.github.gracefulshutdown.metrics;

import java.util.LinkedHashSet;
import java.util.Set;

import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.autoconfigure.ConditionalOnGracefulShutdownEnabled;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that records shutdown phase
 * durations in the {@code shutdown.phase.duration} timer.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulShutdownAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnGracefulShutdownEnabled
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "graceful-shutdown.metrics.enabled", matchIfMissing = true)
@ConditionalOnBean(MeterRegistry.class)
public final class GracefulShutdownMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownMeterListener")
	MicrometerShutdownPhaseListener gracefulShutdownMeterListener(MeterRegistry registry,
			GracefulShutdownProperties properties, ObjectProvider<ShutdownParticipant> participants) {
		return new MicrometerShutdownPhaseListener(registry, properties.getMetrics().getBuckets(), () -> {
			Set<String> phases = new LinkedHashSet<>(ShutdownPhaseNames.ALL);
			participants.orderedStream().map(ShutdownParticipant::getPhase).forEach(phases::add);
			return phases;
		});
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "graceful-shutdown.metrics.defer-registry-close", matchIfMissing = true)
	MeterRegistryCloseDeferral gracefulShutdownMeterRegistryCloseDeferral(ConfigurableApplicationContext context) {
		return new MeterRegistryCloseDeferral(context);
	}

}
