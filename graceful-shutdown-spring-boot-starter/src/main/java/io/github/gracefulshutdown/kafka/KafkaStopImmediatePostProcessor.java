package io.github.gracefulshutdown.kafka;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Makes listener containers stop after the record in progress rather than after every
 * record of the last poll (up to {@code max.poll.records}, 500 by default), unless
 * {@code spring.kafka.listener.immediate-stop} is configured explicitly. The records of
 * the poll that were not processed are not committed and go to the next owner of the
 * partition. Containers read the setting when they start, so it is applied to the
 * container factories and container beans before that.
 */
class KafkaStopImmediatePostProcessor implements BeanPostProcessor {

	static final String IMMEDIATE_STOP_PROPERTY = "spring.kafka.listener.immediate-stop";

	private final Environment environment;

	KafkaStopImmediatePostProcessor(Environment environment) {
		this.environment = environment;
	}

	// Every bean passes through here: the type check comes first, because looking the
	// property up in the environment costs far more than an instanceof
	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
			stopImmediate(factory.getContainerProperties());
		}
		else if (bean instanceof AbstractMessageListenerContainer<?, ?> container) {
			stopImmediate(container.getContainerProperties());
		}
		return bean;
	}

	private void stopImmediate(ContainerProperties containerProperties) {
		if (!this.environment.containsProperty(IMMEDIATE_STOP_PROPERTY)) {
			containerProperties.setStopImmediate(true);
		}
	}

}
