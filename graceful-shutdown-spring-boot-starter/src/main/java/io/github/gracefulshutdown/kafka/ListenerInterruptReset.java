package io.github.gracefulshutdown.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Clears the interrupt of a consumer thread whose listener the Kafka phase interrupted at
 * its timeout, as soon as the listener has failed. Spring Kafka then commits the offsets
 * of the records processed before the failed one, before it hands the failure to the
 * error handler; the Kafka client refuses that commit on an interrupted thread, which a
 * listener leaves interrupted when it sets the flag again before it throws (the usual
 * idiom). Interrupts that the Kafka phase did not cause are left alone.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class ListenerInterruptReset<K, V> implements RecordInterceptor<K, V>, BatchInterceptor<K, V> {

	private final ObjectProvider<KafkaListenerShutdownParticipant> participant;

	ListenerInterruptReset(ObjectProvider<KafkaListenerShutdownParticipant> participant) {
		this.participant = participant;
	}

	@Override
	public ConsumerRecord<K, V> intercept(ConsumerRecord<K, V> record, Consumer<K, V> consumer) {
		return record;
	}

	@Override
	public ConsumerRecords<K, V> intercept(ConsumerRecords<K, V> records, Consumer<K, V> consumer) {
		return records;
	}

	@Override
	public void failure(ConsumerRecord<K, V> record, Exception exception, Consumer<K, V> consumer) {
		resetInterrupt();
	}

	@Override
	public void failure(ConsumerRecords<K, V> records, Exception exception, Consumer<K, V> consumer) {
		resetInterrupt();
	}

	private void resetInterrupt() {
		// Listeners fail for many reasons; only an interrupted thread is worth a lookup
		if (!Thread.currentThread().isInterrupted()) {
			return;
		}
		KafkaListenerShutdownParticipant participant = participant();
		if (participant != null) {
			participant.listenerFailed();
		}
	}

	private @Nullable KafkaListenerShutdownParticipant participant() {
		try {
			return this.participant.getIfAvailable();
		}
		catch (BeansException ex) {
			// The context is past creating beans: the participant is not there to ask
			return null;
		}
	}

}
