package io.github.gracefulshutdown.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.RecordingPhaseListener;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownParticipants;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties.KafkaOnTimeout;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent.Reason;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link KafkaListenerShutdownParticipant}.
 */
class KafkaListenerShutdownParticipantTests {

	private final KafkaListenerShutdownParticipant participant = new KafkaListenerShutdownParticipant(
			new StaticListableBeanFactory().getBeanProvider(KafkaListenerEndpointRegistry.class),
			new DefaultListableBeanFactory(), Duration.ofSeconds(1), KafkaOnTimeout.INTERRUPT);

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

	@Test
	void listenerIsRecognizedOnTheStackOfItsConsumerThread() {
		String loop = KafkaListenerShutdownParticipant.LISTENER_CONSUMER_CLASS;
		StackTraceElement listener = frame("com.example.OrdersListener", "process");
		StackTraceElement adapter = frame(
				"org.springframework.kafka.listener.adapter.BatchMessagingMessageListenerAdapter", "onMessage");
		StackTraceElement run = frame(loop, "run");
		assertThat(KafkaListenerShutdownParticipant
			.isInListener(stack(listener, frame(loop, "doInvokeOnMessage"), frame(loop, "invokeOnMessage"), run)))
			.isTrue();
		assertThat(KafkaListenerShutdownParticipant.isInListener(stack(listener, frame(loop, "doInvokeBatchOnMessage"),
				frame(loop, "invokeBatchOnMessageWithRecordsOrList"), run)))
			.isTrue();
		// A listener of whole ConsumerRecords is called from here directly
		assertThat(KafkaListenerShutdownParticipant
			.isInListener(stack(listener, adapter, frame(loop, "invokeBatchOnMessageWithRecordsOrList"), run)))
			.isTrue();
		// After the listener: the interceptors and the timer
		assertThat(KafkaListenerShutdownParticipant.isInListener(
				stack(frame(loop, "batchInterceptAfter"), frame(loop, "invokeBatchOnMessageWithRecordsOrList"), run)))
			.isFalse();
		assertThat(KafkaListenerShutdownParticipant.isInListener(stack(
				frame("org.apache.kafka.clients.consumer.KafkaConsumer", "poll"), frame(loop, "pollConsumer"), run)))
			.isFalse();
	}

	private static StackTraceElement frame(String className, String method) {
		return new StackTraceElement(className, method, null, -1);
	}

	private static StackTraceElement[] stack(StackTraceElement... frames) {
		return frames;
	}

	@Test
	void kafkaTimeoutActsWhileTheCommonPoolIsBusy() throws Exception {
		// An application keeps the workers of the common pool busy during the shutdown.
		// On Java 21 and later CompletableFuture's async tasks run there even on 2 cores;
		// on Java 17 with 2 cores they run on threads of their own
		int workers = ForkJoinPool.getCommonPoolParallelism();
		CountDownLatch busy = new CountDownLatch(workers);
		CountDownLatch release = new CountDownLatch(1);
		for (int i = 0; i < workers; i++) {
			ForkJoinPool.commonPool().execute(() -> {
				busy.countDown();
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		}
		try {
			assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
			// A container whose listener never ends
			MessageListenerContainer container = mock(MessageListenerContainer.class);
			given(container.isRunning()).willReturn(true);
			KafkaListenerEndpointRegistry registry = mock(KafkaListenerEndpointRegistry.class);
			given(registry.getListenerContainers()).willReturn(List.of(container));
			KafkaListenerShutdownParticipant participant = new KafkaListenerShutdownParticipant(
					new StaticListableBeanFactory(Map.of("registry", registry))
						.getBeanProvider(KafkaListenerEndpointRegistry.class),
					new DefaultListableBeanFactory(), Duration.ofMillis(200), KafkaOnTimeout.ABANDON);
			RecordingPhaseListener phases = new RecordingPhaseListener();
			ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(60), false, List.of(phases),
					Clock.systemUTC());
			ShutdownParticipants participants = new ShutdownParticipants(coordinator, List.of(participant),
					Duration.ofSeconds(1));
			SmartLifecycle stop = participants.stopLifecycle();
			stop.start();
			coordinator.begin(() -> true);
			stop.stop(() -> {
			});
			await().atMost(Duration.ofSeconds(20)).until(() -> phases.outcomes.containsKey(ShutdownPhaseNames.KAFKA));
			assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.TIMED_OUT);
		}
		finally {
			release.countDown();
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
