package io.github.gracefulshutdown.kafka;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The listener containers of an application: those of the
 * {@link KafkaListenerEndpointRegistry} and the singleton container beans already
 * created. Unlike {@link KafkaListenerEndpointRegistry#getAllListenerContainers()}, it
 * creates no bean: that method creates a new instance of every prototype container bean
 * (which fails for one that takes arguments), and the new instances have never started.
 */
final class ListenerContainers {

	private ListenerContainers() {
	}

	static List<MessageListenerContainer> of(KafkaListenerEndpointRegistry registry,
			ConfigurableListableBeanFactory beanFactory) {
		Set<MessageListenerContainer> containers = new LinkedHashSet<>(registry.getListenerContainers());
		for (String name : beanFactory.getBeanNamesForType(MessageListenerContainer.class, false, false)) {
			if (beanFactory.containsSingleton(name)) {
				containers.add(beanFactory.getBean(name, MessageListenerContainer.class));
			}
		}
		return List.copyOf(containers);
	}

}
