package io.github.gracefulshutdown.kafka;

import io.github.gracefulshutdown.autoconfigure.BuildTimeSwitches;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * Configuration that stops Kafka listener containers right after the propagation delay,
 * in parallel with the HTTP drain, as phase {@code kafka}. Imported by
 * {@link GracefulShutdownAutoConfiguration}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(KafkaListenerEndpointRegistry.class)
@ConditionalOnBooleanProperty(name = "graceful-shutdown.kafka.enabled", matchIfMissing = true)
public final class KafkaGracefulShutdownConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownKafkaParticipant")
	KafkaListenerShutdownParticipant gracefulShutdownKafkaParticipant(
			ObjectProvider<KafkaListenerEndpointRegistry> registry, ConfigurableListableBeanFactory beanFactory,
			ShutdownBudget budget, GracefulShutdownProperties properties, Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOff(environment, "graceful-shutdown.kafka.enabled", "true",
				"the stop of Kafka listener containers");
		return new KafkaListenerShutdownParticipant(registry, beanFactory, budget.kafkaTimeout(),
				properties.getKafka().getOnTimeout());
	}

	// A listener cut by the interrupt must fail for good in no error handler
	@Bean
	@ConditionalOnProperty(name = "graceful-shutdown.kafka.on-timeout", havingValue = "interrupt",
			matchIfMissing = true)
	CutRecordErrorHandlers gracefulShutdownKafkaErrorHandlers(ObjectProvider<KafkaListenerEndpointRegistry> registry,
			ObjectProvider<KafkaListenerShutdownParticipant> participant, ConfigurableListableBeanFactory beanFactory) {
		return new CutRecordErrorHandlers(registry, participant, beanFactory);
	}

	@Bean
	static KafkaContainerPostProcessor gracefulShutdownKafkaContainerPostProcessor(Environment environment,
			ObjectProvider<KafkaListenerShutdownParticipant> participant) {
		return new KafkaContainerPostProcessor(environment, participant);
	}

}
