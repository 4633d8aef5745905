package io.github.gracefulshutdown.kafka;

import io.github.gracefulshutdown.GracefulShutdownPhases;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Puts a {@link CutRecordErrorHandler} in front of the error handler of every listener
 * container just before the containers start, once the application's configuration
 * (Spring Boot's, a {@code ContainerCustomizer}, {@code @RetryableTopic}) has set it. A
 * container without one gets the guard in front of the {@link DefaultErrorHandler} that
 * Spring Kafka would create for it; a transactional container without one is left alone,
 * since the transaction's rollback is what leaves its records uncommitted.
 */
final class CutRecordErrorHandlers implements SmartLifecycle {

	private final ObjectProvider<KafkaListenerEndpointRegistry> registry;

	private final ObjectProvider<KafkaListenerShutdownParticipant> participant;

	private final ConfigurableListableBeanFactory beanFactory;

	private volatile boolean running;

	CutRecordErrorHandlers(ObjectProvider<KafkaListenerEndpointRegistry> registry,
			ObjectProvider<KafkaListenerShutdownParticipant> participant, ConfigurableListableBeanFactory beanFactory) {
		this.registry = registry;
		this.participant = participant;
		this.beanFactory = beanFactory;
	}

	@Override
	public void start() {
		KafkaListenerEndpointRegistry registry = this.registry.getIfAvailable();
		KafkaListenerShutdownParticipant participant = this.participant.getIfUnique();
		if (registry != null && participant != null) {
			for (MessageListenerContainer container : ListenerContainers.of(registry, this.beanFactory)) {
				if (container instanceof AbstractMessageListenerContainer<?, ?> listenerContainer) {
					guard(listenerContainer, participant);
				}
			}
		}
		this.running = true;
	}

	private static void guard(AbstractMessageListenerContainer<?, ?> container,
			KafkaListenerShutdownParticipant participant) {
		CommonErrorHandler errorHandler = container.getCommonErrorHandler();
		if (errorHandler == null && !isTransactional(container.getContainerProperties())) {
			// The one Spring Kafka creates for a container that has none
			errorHandler = new DefaultErrorHandler();
		}
		if (errorHandler != null && !(errorHandler instanceof CutRecordErrorHandler)) {
			container.setCommonErrorHandler(new CutRecordErrorHandler(errorHandler, participant));
		}
	}

	@SuppressWarnings("removal")
	private static boolean isTransactional(ContainerProperties properties) {
		return properties.getKafkaAwareTransactionManager() != null || properties.getTransactionManager() != null;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Just before the containers start, and stopped after them
	@Override
	public int getPhase() {
		return GracefulShutdownPhases.KAFKA_LISTENER_CONTAINERS - 1;
	}

}
