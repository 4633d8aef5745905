package io.github.gracefulshutdown.sample.orders;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Runs a real KRaft broker in-process when {@code spring.kafka.bootstrap-servers} is not
 * set, so that {@code java -jar} works without a Kafka installation. Its address reaches
 * Spring Boot's Kafka auto-configuration as {@link KafkaConnectionDetails}. The producer
 * and consumer factories and the admin depend on these details, which depend on the
 * broker: the context therefore destroys the broker after them, and the listener
 * containers have stopped before any bean is destroyed. Its data lives in a temporary
 * directory: the orders do not survive a restart.
 */
@ConditionalOnBooleanProperty(name = "sample.orders.enabled", matchIfMissing = true)
@Configuration(proxyBeanMethods = false)
@Conditional(InProcessKafkaBrokerConfiguration.NoBootstrapServersCondition.class)
class InProcessKafkaBrokerConfiguration {

	private static final Log logger = LogFactory.getLog(InProcessKafkaBrokerConfiguration.class);

	@Bean
	InProcessKafkaBroker inProcessKafkaBroker(OrdersProperties properties) {
		return new InProcessKafkaBroker(properties.topic(), properties.partitions());
	}

	@Bean
	KafkaConnectionDetails inProcessKafkaConnectionDetails(InProcessKafkaBroker broker) {
		List<String> bootstrapServers = broker.getBootstrapServers();
		logger.info("No spring.kafka.bootstrap-servers configured: using an in-process KRaft broker on "
				+ bootstrapServers);
		return () -> bootstrapServers;
	}

	/**
	 * Matches when {@code spring.kafka.bootstrap-servers} is not set, in any form.
	 */
	static class NoBootstrapServersCondition extends SpringBootCondition {

		private static final String PROPERTY = "spring.kafka.bootstrap-servers";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean configured = Binder.get(context.getEnvironment())
				.bind(PROPERTY, Bindable.listOf(String.class))
				.isBound();
			return configured ? ConditionOutcome.noMatch(PROPERTY + " is set")
					: ConditionOutcome.match(PROPERTY + " is not set");
		}

	}

}
