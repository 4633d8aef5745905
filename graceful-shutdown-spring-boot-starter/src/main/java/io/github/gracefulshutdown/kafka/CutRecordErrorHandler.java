package io.github.gracefulshutdown.kafka;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * Error handler of a listener container that leaves the records of a listener cut by the
 * starter's interrupt to the next owner of their partitions, whatever the application's
 * error handler would do with a failed record: an error handler that does not retry would
 * otherwise recover the cut record (log and skip it, or send it to a dead-letter topic)
 * and commit its offset. For such a failure it seeks the consumer back to the first
 * record not processed on each partition and throws, so that nothing is acknowledged; the
 * consumer is stopping, and commits only what was processed. Every other failure goes to
 * the application's error handler.
 */
final class CutRecordErrorHandler implements CommonErrorHandler {

	private final CommonErrorHandler delegate;

	private final KafkaListenerShutdownParticipant participant;

	/**
	 * Create a new instance.
	 * @param delegate the container's error handler
	 * @param participant the participant that knows which listeners it cut
	 */
	CutRecordErrorHandler(CommonErrorHandler delegate, KafkaListenerShutdownParticipant participant) {
		this.delegate = delegate;
		this.participant = participant;
	}

	// Called on the consumer thread before the records are handled: a cut failure takes
	// the path where the handler seeks and nothing is acknowledged
	@Override
	public boolean seeksAfterHandling() {
		return this.delegate.seeksAfterHandling() || this.participant.isCut();
	}

	@Override
	public void handleRemaining(Exception thrownException, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		if (this.participant.takeCut()) {
			leave(records, consumer, thrownException);
		}
		this.delegate.handleRemaining(thrownException, records, consumer, container);
	}

	@Override
	public void handleBatch(Exception thrownException, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
			MessageListenerContainer container, Runnable invokeListener) {
		if (this.participant.takeCut()) {
			leave(data, consumer, thrownException);
		}
		this.delegate.handleBatch(thrownException, data, consumer, container, invokeListener);
	}

	private static void leave(Iterable<? extends ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
			Exception thrownException) {
		Map<TopicPartition, Long> first = new LinkedHashMap<>();
		for (ConsumerRecord<?, ?> record : records) {
			first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
		}
		first.forEach(consumer::seek);
		throw new KafkaException("Listener interrupted by the graceful shutdown; its records are left uncommitted "
				+ "for the next owner of their partitions", KafkaException.Level.DEBUG, thrownException);
	}

	@Override
	public boolean handleOne(Exception thrownException, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
			MessageListenerContainer container) {
		return this.delegate.handleOne(thrownException, record, consumer, container);
	}

	@Override
	public <K, V> ConsumerRecords<K, V> handleBatchAndReturnRemaining(Exception thrownException,
			ConsumerRecords<?, ?> data, Consumer<?, ?> consumer, MessageListenerContainer container,
			Runnable invokeListener) {
		return this.delegate.handleBatchAndReturnRemaining(thrownException, data, consumer, container, invokeListener);
	}

	@Override
	public void handleOtherException(Exception thrownException, Consumer<?, ?> consumer,
			MessageListenerContainer container, boolean batchListener) {
		this.delegate.handleOtherException(thrownException, consumer, container, batchListener);
	}

	@Override
	public boolean deliveryAttemptHeader() {
		return this.delegate.deliveryAttemptHeader();
	}

	@Override
	public int deliveryAttempt(TopicPartitionOffset topicPartitionOffset) {
		return this.delegate.deliveryAttempt(topicPartitionOffset);
	}

	@Override
	public void clearThreadState() {
		this.delegate.clearThreadState();
	}

	@Override
	public boolean isAckAfterHandle() {
		return this.delegate.isAckAfterHandle();
	}

	@Override
	public void setAckAfterHandle(boolean ack) {
		this.delegate.setAckAfterHandle(ack);
	}

	@Override
	public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
			Runnable publishPause) {
		this.delegate.onPartitionsAssigned(consumer, partitions, publishPause);
	}

}
