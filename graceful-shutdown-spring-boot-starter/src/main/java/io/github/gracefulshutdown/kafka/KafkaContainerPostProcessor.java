package io.github.gracefulshutdown.kafka;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.CompositeBatchInterceptor;
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Prepares the listener container factories and container beans for the Kafka phase,
 * before they create or start their consumers:
 * <ul>
 * <li>they stop after the record in progress rather than after every record of the last
 * poll (up to {@code max.poll.records}, 500 by default), unless
 * {@code spring.kafka.listener.immediate-stop} is configured explicitly. The records of
 * the poll that were not processed are not committed and go to the next owner of the
 * partition;</li>
 * <li>their interceptors, the application's own ones included, are preceded by a
 * {@link ListenerInterruptReset}, which clears the interrupt of a listener that the Kafka
 * phase interrupted at its timeout once that listener has failed.</li>
 * </ul>
 */
class KafkaContainerPostProcessor implements BeanPostProcessor {

	static final String IMMEDIATE_STOP_PROPERTY = "spring.kafka.listener.immediate-stop";

	private final Environment environment;

	private final ListenerInterruptReset<Object, Object> interruptReset;

	KafkaContainerPostProcessor(Environment environment, ObjectProvider<KafkaListenerShutdownParticipant> participant) {
		this.environment = environment;
		this.interruptReset = new ListenerInterruptReset<>(participant);
	}

	// Every bean passes through here: the type check comes first, because looking the
	// property up in the environment costs far more than an instanceof
	@Override
	@SuppressWarnings({ "rawtypes", "unchecked" })
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractKafkaListenerContainerFactory factory) {
			stopImmediate(factory.getContainerProperties());
			factory.setRecordInterceptor(withInterruptReset(factory.getRecordInterceptor()));
			factory.setBatchInterceptor(withInterruptReset(factory.getBatchInterceptor()));
		}
		else if (bean instanceof AbstractMessageListenerContainer container) {
			stopImmediate(container.getContainerProperties());
			container.setRecordInterceptor(withInterruptReset(container.getRecordInterceptor()));
			container.setBatchInterceptor(withInterruptReset(container.getBatchInterceptor()));
		}
		return bean;
	}

	private void stopImmediate(ContainerProperties containerProperties) {
		if (!this.environment.containsProperty(IMMEDIATE_STOP_PROPERTY)) {
			containerProperties.setStopImmediate(true);
		}
	}

	// A container bean that a factory created already has the factory's interceptors
	private RecordInterceptor<Object, Object> withInterruptReset(RecordInterceptor<Object, Object> interceptor) {
		if (interceptor == null || interceptor == this.interruptReset) {
			return this.interruptReset;
		}
		return (interceptor instanceof ResetFirstRecordInterceptor) ? interceptor
				: new ResetFirstRecordInterceptor(this.interruptReset, interceptor);
	}

	private BatchInterceptor<Object, Object> withInterruptReset(BatchInterceptor<Object, Object> interceptor) {
		if (interceptor == null || interceptor == this.interruptReset) {
			return this.interruptReset;
		}
		return (interceptor instanceof ResetFirstBatchInterceptor) ? interceptor
				: new ResetFirstBatchInterceptor(this.interruptReset, interceptor);
	}

	/**
	 * The interrupt reset, then the application's own record interceptor.
	 */
	private static final class ResetFirstRecordInterceptor extends CompositeRecordInterceptor<Object, Object> {

		ResetFirstRecordInterceptor(ListenerInterruptReset<Object, Object> reset,
				RecordInterceptor<Object, Object> interceptor) {
			super(reset, interceptor);
		}

	}

	/**
	 * The interrupt reset, then the application's own batch interceptor.
	 */
	private static final class ResetFirstBatchInterceptor extends CompositeBatchInterceptor<Object, Object> {

		ResetFirstBatchInterceptor(ListenerInterruptReset<Object, Object> reset,
				BatchInterceptor<Object, Object> interceptor) {
			super(reset, interceptor);
		}

	}

}
