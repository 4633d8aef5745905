package io.github.gracefulshutdown.kafka;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * Tests for {@link CutRecordErrorHandler}.
 */
class CutRecordErrorHandlerTests {

	private final CommonErrorHandler applicationHandler = mock(CommonErrorHandler.class);

	private final KafkaListenerShutdownParticipant participant = mock(KafkaListenerShutdownParticipant.class);

	private final CutRecordErrorHandler handler = new CutRecordErrorHandler(this.applicationHandler, this.participant);

	private final Consumer<?, ?> consumer = mock(Consumer.class);

	private final MessageListenerContainer container = mock(MessageListenerContainer.class);

	private final List<ConsumerRecord<?, ?>> records = List.of(record(0, 7), record(0, 8), record(1, 3));

	@Test
	void failureOfAListenerThatWasNotCutGoesToTheApplicationsHandler() {
		Exception failure = new IllegalStateException("failed");
		assertThat(this.handler.seeksAfterHandling()).isFalse();
		this.handler.handleRemaining(failure, this.records, this.consumer, this.container);
		then(this.applicationHandler).should().handleRemaining(failure, this.records, this.consumer, this.container);
		then(this.consumer).shouldHaveNoInteractions();
	}

	@Test
	void cutListenerLeavesItsRecordsUncommittedForTheNextOwner() {
		given(this.participant.isCut()).willReturn(true);
		given(this.participant.takeCut()).willReturn(true);
		Exception failure = new IllegalStateException("interrupted");
		// The path where the container acknowledges nothing before the handler seeks
		assertThat(this.handler.seeksAfterHandling()).isTrue();
		assertThatExceptionOfType(KafkaException.class)
			.isThrownBy(() -> this.handler.handleRemaining(failure, this.records, this.consumer, this.container))
			.withCause(failure);
		then(this.consumer).should().seek(new TopicPartition("orders", 0), 7);
		then(this.consumer).should().seek(new TopicPartition("orders", 1), 3);
		then(this.applicationHandler).should(never()).handleRemaining(any(), any(), any(), any());
	}

	@Test
	void otherCallsGoToTheApplicationsHandler() {
		given(this.applicationHandler.isAckAfterHandle()).willReturn(true);
		given(this.applicationHandler.deliveryAttemptHeader()).willReturn(true);
		assertThat(this.handler.isAckAfterHandle()).isTrue();
		assertThat(this.handler.deliveryAttemptHeader()).isTrue();
		this.handler.clearThreadState();
		then(this.applicationHandler).should().clearThreadState();
	}

	private static ConsumerRecord<String, String> record(int partition, long offset) {
		return new ConsumerRecord<>("orders", partition, offset, null, "order-" + offset);
	}

}
