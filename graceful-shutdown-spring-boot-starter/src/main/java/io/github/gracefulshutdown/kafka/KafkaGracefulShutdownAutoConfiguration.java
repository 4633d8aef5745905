package io.github.gracefulshutdown.kafka;

import io.github.gracefulshutdown.autoconfigure.ConditionalOnGracefulShutdownEnabled;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that stops Kafka listener containers
 * right after the propagation delay, in parallel with the HTTP drain, as phase
 * {@code kafka}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulShutdownAutoConfiguration.class,
		afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnGracefulShutdownEnabled
@ConditionalOnClass(KafkaListenerEndpointRegistry.class)
@ConditionalOnBooleanProperty(name = "graceful-shutdown.kafka.enabled", matchIfMissing = true)
public final class KafkaGracefulShutdownAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownKafkaParticipant")
	KafkaListenerShutdownParticipant gracefulShutdownKafkaParticipant(
			ObjectProvider<KafkaListenerEndpointRegistry> registry, ShutdownBudget budget,
			GracefulShutdownProperties properties) {
		return new KafkaListenerShutdownParticipant(registry, budget.kafkaTimeout(),
				properties.getKafka().getOnTimeout());
	}

	@Bean
	static KafkaStopImmediatePostProcessor gracefulShutdownKafkaStopImmediatePostProcessor(Environment environment) {
		return new KafkaStopImmediatePostProcessor(environment);
	}

}
