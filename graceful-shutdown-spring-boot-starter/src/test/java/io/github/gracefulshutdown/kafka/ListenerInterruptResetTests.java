package io.github.gracefulshutdown.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties.KafkaOnTimeout;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationNotAllowedException;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerInterruptReset}.
 */
class ListenerInterruptResetTests {

	private final KafkaListenerShutdownParticipant participant = new KafkaListenerShutdownParticipant(
			new StaticListableBeanFactory().getBeanProvider(KafkaListenerEndpointRegistry.class),
			new DefaultListableBeanFactory(), Duration.ofSeconds(1), KafkaOnTimeout.INTERRUPT);

	private final ListenerInterruptReset<String, String> reset = new ListenerInterruptReset<>(
			new StaticListableBeanFactory(Map.of("gracefulShutdownKafkaParticipant", this.participant))
				.getBeanProvider(KafkaListenerShutdownParticipant.class));

	private final ConsumerRecord<String, String> record = new ConsumerRecord<>("orders", 0, 2, null, "order-2");

	private final ConsumerRecords<String, String> records = new ConsumerRecords<>(
			Map.of(new TopicPartition("orders", 0), List.of(this.record)), Map.of());

	private final Consumer<String, String> consumer = new MockConsumer<>("earliest");

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	@Test
	void recordListenerThatTheKafkaPhaseInterruptedIsNoLongerInterruptedOnceItFailed() {
		this.participant.interrupt(Thread.currentThread());
		this.reset.failure(this.record, new IllegalStateException("Interrupted"), this.consumer);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void batchListenerThatTheKafkaPhaseInterruptedIsNoLongerInterruptedOnceItFailed() {
		this.participant.interrupt(Thread.currentThread());
		this.reset.failure(this.records, new IllegalStateException("Interrupted"), this.consumer);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void interruptIsResetOnlyOnce() {
		this.participant.interrupt(Thread.currentThread());
		this.reset.failure(this.record, new IllegalStateException("Interrupted"), this.consumer);
		Thread.currentThread().interrupt();
		this.reset.failure(this.record, new IllegalStateException("Interrupted again"), this.consumer);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void interruptThatTheKafkaPhaseDidNotCauseIsLeftAlone() {
		Thread.currentThread().interrupt();
		this.reset.failure(this.record, new IllegalStateException("Interrupted"), this.consumer);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void interruptOfAnotherThreadIsNotResetByThisOne() {
		Thread other = new Thread(() -> {
		});
		this.participant.interrupt(other);
		Thread.currentThread().interrupt();
		this.reset.failure(this.record, new IllegalStateException("Interrupted"), this.consumer);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void successLeavesTheInterruptToTheConsumersWrapUp() {
		this.participant.interrupt(Thread.currentThread());
		this.reset.success(this.record, this.consumer);
		this.reset.afterRecord(this.record, this.consumer);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void failureWhenTheParticipantCannotBeHadLeavesTheInterrupt() {
		// As when the context is already destroying its beans
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("gracefulShutdownKafkaParticipant",
				new RootBeanDefinition(KafkaListenerShutdownParticipant.class, () -> {
					throw new BeanCreationNotAllowedException("gracefulShutdownKafkaParticipant", "destroying");
				}));
		ListenerInterruptReset<String, String> reset = new ListenerInterruptReset<>(
				beanFactory.getBeanProvider(KafkaListenerShutdownParticipant.class));
		Thread.currentThread().interrupt();
		reset.failure(this.record, new IllegalStateException("Interrupted"), this.consumer);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void recordsPassThroughUnchanged() {
		assertThat(this.reset.intercept(this.record, this.consumer)).isSameAs(this.record);
		assertThat(this.reset.intercept(this.records, this.consumer)).isSameAs(this.records);
	}

}
