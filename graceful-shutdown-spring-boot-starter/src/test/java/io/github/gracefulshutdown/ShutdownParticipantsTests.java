package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ShutdownParticipants}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownParticipantsTests {

	private final ShutdownCoordinatorTests.RecordingListener listener = new ShutdownCoordinatorTests.RecordingListener();

	private final ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(30), false,
			List.of(this.listener), Clock.systemUTC());

	@Test
	void participantsStopInParallelAndAreAwaited() throws InterruptedException {
		CountDownLatch bothStarted = new CountDownLatch(2);
		TestParticipant first = new TestParticipant("first", null, bothStarted);
		TestParticipant second = new TestParticipant("second", null, bothStarted);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator, List.of(first, second),
				Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		assertThat(bothStarted.getCount()).isZero();
		CountDownLatch awaited = new CountDownLatch(1);
		participants.awaitAll(awaited::countDown);
		assertThat(awaited.getCount()).isOne();
		first.request.completed();
		assertThat(awaited.getCount()).isOne();
		second.request.completed();
		assertThat(awaited.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.listener.started).containsExactly("first", "second");
		assertThat(this.listener.ended).hasSize(2).allMatch((ended) -> ended.endsWith("completed"));
	}

	@Test
	void timeSpentInStopCountsAgainstTheDeadline() {
		TestClock clock = new TestClock();
		ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofMinutes(10), false, List.of(this.listener),
				clock);
		// A participant whose stop() blocks past its whole timeout before it returns
		TestParticipant blocking = new TestParticipant("blocking", Duration.ofSeconds(60), null) {

			@Override
			public void stop(ShutdownRequest request) {
				super.stop(request);
				clock.advance(Duration.ofSeconds(61));
			}

		};
		ShutdownParticipants participants = new ShutdownParticipants(coordinator, List.of(blocking),
				Duration.ofSeconds(1));
		coordinator.begin(() -> true);
		participants.stopAll();
		// Timed out at once, not 60 s after stop() returned
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.listener.ended.stream()
				.anyMatch((ended) -> ended.startsWith("blocking=") && ended.endsWith("timed_out")));
	}

	@Test
	void participantPastItsDeadlineIsTimedOutWithoutHoldingTheOthers() throws InterruptedException {
		TestParticipant slow = new TestParticipant("slow", Duration.ofMillis(300), null);
		TestParticipant fast = new TestParticipant("fast", null, null);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator, List.of(slow, fast),
				Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		fast.request.completed();
		assertThat(this.listener.ended).anyMatch((ended) -> ended.startsWith("fast=") && ended.endsWith("completed"));
		CountDownLatch awaited = new CountDownLatch(1);
		participants.awaitAll(awaited::countDown);
		assertThat(awaited.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.listener.ended).hasSize(2)
			.anyMatch((ended) -> ended.startsWith("slow=") && ended.endsWith("timed_out"));
		slow.request.completed();
		assertThat(this.listener.ended).hasSize(2);
	}

	@Test
	void participantThatThrowsIsFailedAndTheOthersGoOn(CapturedOutput output) throws InterruptedException {
		ShutdownParticipant failing = new ShutdownParticipant() {

			@Override
			public String getPhase() {
				return "failing";
			}

			@Override
			public void stop(ShutdownRequest request) {
				throw new IllegalStateException("boom");
			}

		};
		TestParticipant other = new TestParticipant("other", null, null);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator, List.of(failing, other),
				Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		other.request.completed();
		CountDownLatch awaited = new CountDownLatch(1);
		participants.awaitAll(awaited::countDown);
		assertThat(awaited.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.listener.ended).anyMatch((ended) -> ended.startsWith("failing=") && ended.endsWith("failed"))
			.anyMatch((ended) -> ended.startsWith("other=") && ended.endsWith("completed"));
		assertThat(output).contains("Shutdown participant for phase 'failing' failed to stop").contains("boom");
	}

	@Test
	void participantThatThrowsAnErrorIsFailedAndTheLaterGroupsStillStop(CapturedOutput output)
			throws InterruptedException {
		ShutdownParticipant failing = new OrderedParticipant("failing", 1) {

			@Override
			public void stop(ShutdownRequest request) {
				throw new NoClassDefFoundError("com/example/Gone");
			}

		};
		OrderedParticipant later = new OrderedParticipant("later", 2);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator, List.of(failing, later),
				Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		assertThat(later.request).isNotNull();
		later.request.completed();
		CountDownLatch awaited = new CountDownLatch(1);
		participants.awaitAll(awaited::countDown);
		assertThat(awaited.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.listener.started).containsExactly("failing", "later");
		assertThat(this.listener.ended).hasSize(2)
			.satisfiesExactly((ended) -> assertThat(ended).startsWith("failing=").endsWith("failed"),
					(ended) -> assertThat(ended).startsWith("later=").endsWith("completed"));
		assertThat(output).contains("Shutdown participant for phase 'failing' failed to stop")
			.contains("com/example/Gone");
	}

	@Test
	void orderedParticipantsStopInGroupsLowestOrderFirst() throws InterruptedException {
		OrderedParticipant consumer = new OrderedParticipant("consumer", 1);
		OrderedParticipant otherConsumer = new OrderedParticipant("other-consumer", 1);
		OrderedParticipant dependency = new OrderedParticipant("dependency", 2);
		TestParticipant unordered = new TestParticipant("unordered", null, null);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator,
				List.of(unordered, dependency, consumer, otherConsumer), Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		assertThat(this.listener.started).containsExactly("consumer", "other-consumer");
		consumer.request.completed();
		assertThat(this.listener.started).containsExactly("consumer", "other-consumer");
		otherConsumer.request.completed();
		assertThat(this.listener.started).containsExactly("consumer", "other-consumer", "dependency");
		dependency.request.completed();
		assertThat(this.listener.started).containsExactly("consumer", "other-consumer", "dependency", "unordered");
		unordered.request.completed();
		CountDownLatch awaited = new CountDownLatch(1);
		participants.awaitAll(awaited::countDown);
		assertThat(awaited.await(30, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void shutdownSignalFiresBeforeTheParticipantsAreTold() {
		ShutdownSignal signal = new ShutdownSignal(ShutdownSignal.Moment.AFTER_PROPAGATION_DELAY, Duration.ofSeconds(1),
				Clock.systemUTC());
		List<Boolean> signalledWhenStopped = new CopyOnWriteArrayList<>();
		ShutdownParticipant participant = new ShutdownParticipant() {

			@Override
			public String getPhase() {
				return "worker";
			}

			@Override
			public void stop(ShutdownRequest request) {
				signalledWhenStopped.add(signal.isShutdownRequested());
				request.completed();
			}

		};
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator, List.of(participant),
				Duration.ofSeconds(1), signal);
		this.coordinator.begin(() -> true);
		participants.stopAll();
		assertThat(signalledWhenStopped).containsExactly(true);
		assertThat(signal.getDeadline()).isEqualTo(this.coordinator.deadline().minusSeconds(1));
	}

	@Test
	void awaitWithoutStopCallsBackAtOnce() {
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator,
				List.of(new TestParticipant("idle", null, null)), Duration.ofSeconds(1));
		CountDownLatch awaited = new CountDownLatch(1);
		participants.awaitAll(awaited::countDown);
		assertThat(awaited.getCount()).isZero();
		assertThat(this.listener.started).isEmpty();
	}

	@Test
	void deadlineIsTheParticipantTimeoutBoundedByTheBudget() {
		TestParticipant bounded = new TestParticipant("bounded", Duration.ofSeconds(5), null);
		TestParticipant unbounded = new TestParticipant("unbounded", null, null);
		TestParticipant tooLong = new TestParticipant("too-long", Duration.ofSeconds(60), null);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator,
				List.of(bounded, unbounded, tooLong), Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		// Bounds with room for a stall of a loaded machine between the stop and here
		assertThat(bounded.request.remaining()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
		assertThat(unbounded.request.remaining()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(29));
		assertThat(tooLong.request.getDeadline()).isEqualTo(unbounded.request.getDeadline());
		List.of(bounded, unbounded, tooLong).forEach((participant) -> participant.request.completed());
	}

	@Test
	void participantWhoseTimeoutThrowsIsLeftOutAndTheLaterGroupsStillStop(CapturedOutput output)
			throws InterruptedException {
		ShutdownParticipant broken = new TestParticipant("broken", null, null) {

			@Override
			public @Nullable Duration getTimeout() {
				throw new IllegalStateException("boom");
			}

		};
		TestParticipant sameGroup = new TestParticipant("same-group", null, null);
		OrderedParticipant first = new OrderedParticipant("first", 1);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator,
				List.of(broken, sameGroup, first), Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		first.request.completed();
		assertThat(sameGroup.request).isNotNull();
		sameGroup.request.completed();
		CountDownLatch awaited = new CountDownLatch(1);
		participants.awaitAll(awaited::countDown);
		assertThat(awaited.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.listener.started).containsExactly("first", "same-group");
		assertThat(output).contains("Shutdown participant " + broken.getClass().getName() + " could not be stopped")
			.contains("boom");
	}

	@Test
	void timeoutTooLargeForAnInstantMeansTheRestOfTheBudget() {
		TestParticipant forever = new TestParticipant("forever", ChronoUnit.FOREVER.getDuration(), null);
		TestParticipant unbounded = new TestParticipant("unbounded", null, null);
		ShutdownParticipants participants = new ShutdownParticipants(this.coordinator, List.of(forever, unbounded),
				Duration.ofSeconds(1));
		this.coordinator.begin(() -> true);
		participants.stopAll();
		assertThat(forever.request).isNotNull();
		assertThat(forever.request.getDeadline()).isEqualTo(unbounded.request.getDeadline());
		List.of(forever, unbounded).forEach((participant) -> participant.request.completed());
	}

	static class OrderedParticipant implements ShutdownParticipant, Ordered {

		private final String phase;

		private final int order;

		volatile ShutdownRequest request;

		OrderedParticipant(String phase, int order) {
			this.phase = phase;
			this.order = order;
		}

		@Override
		public String getPhase() {
			return this.phase;
		}

		@Override
		public int getOrder() {
			return this.order;
		}

		@Override
		public void stop(ShutdownRequest request) {
			this.request = request;
		}

	}

	static class TestParticipant implements ShutdownParticipant {

		private final String phase;

		private final @Nullable Duration timeout;

		private final @Nullable CountDownLatch started;

		volatile ShutdownRequest request;

		TestParticipant(String phase, @Nullable Duration timeout, @Nullable CountDownLatch started) {
			this.phase = phase;
			this.timeout = timeout;
			this.started = started;
		}

		@Override
		public String getPhase() {
			return this.phase;
		}

		@Override
		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		@Override
		public void stop(ShutdownRequest request) {
			this.request = request;
			if (this.started != null) {
				this.started.countDown();
			}
		}

	}

}
