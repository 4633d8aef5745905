package io.github.gracefulshutdown.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties.KafkaOnTimeout;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent.Reason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KafkaListenerShutdownParticipant}.
 */
class KafkaListenerShutdownParticipantTests {

	private final KafkaListenerShutdownParticipant participant = new KafkaListenerShutdownParticipant(
			new StaticListableBeanFactory().getBeanProvider(KafkaListenerEndpointRegistry.class), Duration.ofSeconds(1),
			KafkaOnTimeout.INTERRUPT);

	@Test
	void everyConsumerOfAContainerIsKnownUntilItStops() throws Exception {
		// A share group container publishes the events of all its consumers with itself
		// as
		// the source
		Object container = new Object();
		CountDownLatch started = new CountDownLatch(2);
		CountDownLatch stop = new CountDownLatch(1);
		CountDownLatch firstStopped = new CountDownLatch(1);
		Thread first = consumer(container, started, stop, firstStopped);
		Thread second = consumer(container, started, new CountDownLatch(1), new CountDownLatch(1));
		try {
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.participant.getThreads()).containsExactlyInAnyOrder(first, second);
			stop.countDown();
			assertThat(firstStopped.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(this.participant.getThreads()).containsExactly(second);
		}
		finally {
			first.interrupt();
			second.interrupt();
			first.join(10_000);
			second.join(10_000);
		}
	}

	private Thread consumer(Object container, CountDownLatch started, CountDownLatch stop, CountDownLatch stopped) {
		Thread thread = new Thread(() -> {
			this.participant.onApplicationEvent(new ConsumerStartingEvent(container, container));
			started.countDown();
			try {
				stop.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				return;
			}
			this.participant.onApplicationEvent(new ConsumerStoppedEvent(container, container, Reason.NORMAL));
			stopped.countDown();
		}, "consumer");
		thread.start();
		return thread;
	}

}
