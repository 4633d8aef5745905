package io.github.gracefulshutdown;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ShutdownCoordinator} and its {@link ShutdownWatchdog}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownCoordinatorTests {

	private final TestClock clock = new TestClock();

	private final RecordingListener listener = new RecordingListener();

	private final AtomicInteger haltCode = new AtomicInteger(-1);

	private final AtomicBoolean closed = new AtomicBoolean();

	@AfterEach
	void standDownWatchdog() {
		this.closed.set(true);
	}

	@Test
	void phasesAreTimedWithTheClockAndReportedToListeners(CapturedOutput output) {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		assertThat(coordinator.begin(() -> true)).isTrue();
		ShutdownPhase propagation = coordinator.startPhase(ShutdownPhaseNames.PROPAGATION);
		this.clock.advance(Duration.ofMillis(5000));
		propagation.end(ShutdownOutcome.COMPLETED);
		ShutdownPhase http = coordinator.startPhase(ShutdownPhaseNames.HTTP);
		this.clock.advance(Duration.ofMillis(250));
		http.end(ShutdownOutcome.COMPLETED);
		ShutdownReport report = coordinator.complete();
		assertThat(this.listener.started).containsExactly("propagation", "http");
		assertThat(this.listener.ended).containsExactly("propagation=5000ms completed", "http=250ms completed",
				"total=5250ms completed");
		assertThat(report.summary())
			.isEqualTo("propagation=5000ms completed, http=250ms completed, total=5250ms completed");
		assertThat(output).contains("Graceful shutdown phase 'propagation' completed in 5000 ms")
			.contains("Graceful shutdown completed in 5250 ms (budget 25000 ms): propagation=5000ms completed");
	}

	@Test
	void beginOnlyOnce() {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		assertThat(coordinator.isShuttingDown()).isFalse();
		assertThat(coordinator.begin(() -> true)).isTrue();
		assertThat(coordinator.begin(() -> true)).isFalse();
		assertThat(coordinator.isShuttingDown()).isTrue();
	}

	@Test
	void stateFollowsTheShutdown() {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.RUNNING);
		coordinator.begin(() -> true);
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.PROPAGATING);
		coordinator.startPhase(ShutdownPhaseNames.READINESS).end(ShutdownOutcome.COMPLETED);
		ShutdownPhase propagation = coordinator.startPhase(ShutdownPhaseNames.PROPAGATION);
		this.clock.advance(Duration.ofMillis(1200));
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.PROPAGATING);
		assertThat(coordinator.runningPhases()).singleElement().satisfies((phase) -> {
			assertThat(phase.name()).isEqualTo(ShutdownPhaseNames.PROPAGATION);
			assertThat(phase.elapsed()).isEqualTo(Duration.ofMillis(1200));
		});
		propagation.end(ShutdownOutcome.COMPLETED);
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.DRAINING);
		assertThat(coordinator.runningPhases()).isEmpty();
		coordinator.startPhase(ShutdownPhaseNames.HTTP).end(ShutdownOutcome.COMPLETED);
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.DRAINING);
		coordinator.complete();
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.STOPPED);
	}

	@Test
	void stateIsDrainingOnceThePropagationDelayIsSkipped() {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		coordinator.begin(() -> true);
		coordinator.skipPhase(ShutdownPhaseNames.PROPAGATION, "no delay");
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.DRAINING);
	}

	@Test
	void remainingCountsDownFromTheBudget() {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(10), true);
		assertThat(coordinator.remaining()).isEqualTo(Duration.ofSeconds(10));
		coordinator.begin(() -> true);
		this.clock.advance(Duration.ofSeconds(4));
		assertThat(coordinator.remaining()).isEqualTo(Duration.ofSeconds(6));
		this.clock.advance(Duration.ofSeconds(7));
		assertThat(coordinator.remaining()).isZero();
	}

	@Test
	void phaseEndsOnlyOnce() {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		coordinator.begin(() -> true);
		ShutdownPhase phase = coordinator.startPhase(ShutdownPhaseNames.HTTP);
		assertThat(phase.end(ShutdownOutcome.TIMED_OUT)).isTrue();
		assertThat(phase.end(ShutdownOutcome.COMPLETED)).isFalse();
		assertThat(this.listener.ended).containsExactly("http=0ms timed_out");
	}

	@Test
	void totalTakesTheWorstOutcome(CapturedOutput output) {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		coordinator.begin(() -> true);
		coordinator.skipPhase(ShutdownPhaseNames.PROPAGATION, "no delay");
		coordinator.startPhase(ShutdownPhaseNames.HTTP).end(ShutdownOutcome.TIMED_OUT);
		coordinator.startPhase(ShutdownPhaseNames.KAFKA).end(ShutdownOutcome.FAILED);
		coordinator.complete();
		assertThat(this.listener.ended).containsExactly("propagation=0ms skipped", "http=0ms timed_out",
				"kafka=0ms failed", "total=0ms timed_out");
		assertThat(output).contains("WARN").contains("Graceful shutdown timed out in 0 ms");
	}

	@Test
	void phaseStillRunningWhenTheShutdownCompletesIsTimedOut(CapturedOutput output) {
		// Spring stopped waiting for it: its phase timeout ran out first
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		coordinator.begin(() -> true);
		ShutdownPhase outbox = coordinator.startPhase("outbox");
		this.clock.advance(Duration.ofMillis(2700));
		ShutdownReport report = coordinator.complete();
		outbox.end(ShutdownOutcome.COMPLETED);
		assertThat(report.summary()).isEqualTo("outbox=2700ms timed_out, total=2700ms timed_out");
		assertThat(output).contains("Graceful shutdown timed out in 2700 ms");
	}

	@Test
	void completeIsIdempotent() {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		coordinator.begin(() -> true);
		coordinator.complete();
		coordinator.complete();
		assertThat(this.listener.ended).containsExactly("total=0ms completed");
	}

	@Test
	void completeBeforeBeginDoesNothing(CapturedOutput output) {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(25), true);
		ShutdownReport report = coordinator.complete();
		assertThat(report.phases()).isEmpty();
		assertThat(this.listener.ended).isEmpty();
		assertThat(output).doesNotContain("Graceful shutdown completed");
	}

	@ParameterizedTest
	@MethodSource("io.github.gracefulshutdown.Failures#exceptionAndError")
	void failingListenerDoesNotStopTheShutdown(Runnable failure, CapturedOutput output) {
		ShutdownPhaseListener failing = (phase, duration, outcome) -> failure.run();
		ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(25), true,
				List.of(failing, this.listener), this.clock, this.haltCode::set);
		coordinator.begin(() -> true);
		coordinator.startPhase(ShutdownPhaseNames.HTTP).end(ShutdownOutcome.COMPLETED);
		assertThat(coordinator.complete().phases()).hasSize(2);
		assertThat(this.listener.ended).containsExactly("http=0ms completed", "total=0ms completed");
		assertThat(output).contains("Shutdown phase listener").contains("boom");
	}

	@Test
	void watchdogHaltsWhenTheBudgetIsExceeded(CapturedOutput output) throws InterruptedException {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(3), true);
		CountDownLatch stuck = new CountDownLatch(1);
		Thread holder = new Thread(() -> awaitQuietly(stuck), "stuck-request");
		holder.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> holder.getState() == Thread.State.TIMED_WAITING);
		try {
			coordinator.begin(this.closed::get);
			coordinator.startPhase(ShutdownPhaseNames.HTTP, () -> List.of(holder));
			this.clock.advance(Duration.ofMillis(3001));
			await().atMost(Duration.ofSeconds(30)).until(() -> this.haltCode.get() != -1);
			awaitReport();
		}
		finally {
			stuck.countDown();
			holder.join(TimeUnit.SECONDS.toMillis(30));
		}
		assertThat(this.haltCode.get()).isEqualTo(GracefulShutdownExitCodes.BUDGET_EXCEEDED);
		assertThat(this.listener.ended).containsExactly("http=3001ms timed_out", "total=3001ms timed_out");
		assertThat(output).contains("Graceful shutdown exceeded its budget of 3000 ms; phase 'http' still running")
			.contains("Halting the JVM with exit code 124")
			.contains("\"stuck-request\" TIMED_WAITING")
			.contains("ShutdownCoordinatorTests.awaitQuietly");
	}

	@Test
	void watchdogHaltsWhenItsReportIsBlocked() {
		// A phase listener (or a logging appender) that blocks when the report
		// notifies it
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocked = new CountDownLatch(1);
		ShutdownPhaseListener stalled = (phase, duration, outcome) -> {
			blocked.countDown();
			awaitQuietly(release);
		};
		ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(3), true, List.of(stalled),
				this.clock, this.haltCode::set);
		try {
			coordinator.begin(this.closed::get);
			coordinator.startPhase(ShutdownPhaseNames.HTTP);
			this.clock.advance(Duration.ofMillis(3001));
			await().atMost(Duration.ofSeconds(30)).until(() -> this.haltCode.get() != -1);
			assertThat(this.haltCode.get()).isEqualTo(GracefulShutdownExitCodes.BUDGET_EXCEEDED);
			assertThat(blocked.getCount()).isZero();
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void watchdogNamesATimedOutPhaseWhoseThreadsAreStillBusy(CapturedOutput output) throws InterruptedException {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(4), true);
		CountDownLatch stuck = new CountDownLatch(1);
		Thread holder = new Thread(() -> awaitQuietly(stuck), "stuck-request");
		holder.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> holder.getState() == Thread.State.TIMED_WAITING);
		try {
			coordinator.begin(this.closed::get);
			ShutdownPhase http = coordinator.startPhase(ShutdownPhaseNames.HTTP, () -> List.of(holder));
			this.clock.advance(Duration.ofMillis(3600));
			http.end(ShutdownOutcome.TIMED_OUT);
			this.clock.advance(Duration.ofMillis(400));
			await().atMost(Duration.ofSeconds(30)).until(() -> this.haltCode.get() != -1);
			awaitReport();
		}
		finally {
			stuck.countDown();
			holder.join(TimeUnit.SECONDS.toMillis(30));
		}
		assertThat(this.haltCode.get()).isEqualTo(GracefulShutdownExitCodes.BUDGET_EXCEEDED);
		assertThat(output)
			.contains("Graceful shutdown exceeded its budget of 4000 ms; phase 'http' timed out after 3600 ms with 1 "
					+ "thread(s) still busy. Halting the JVM with exit code 124")
			.contains("ShutdownCoordinatorTests.awaitQuietly");
	}

	@Test
	void watchdogHaltsWhenAPhaseCannotTellItsThreads(CapturedOutput output) {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(3), true);
		coordinator.begin(this.closed::get);
		coordinator.startPhase("broken", () -> {
			throw new IllegalStateException("boom");
		});
		coordinator.startPhase("nulls", () -> Arrays.asList((Thread) null));
		this.clock.advance(Duration.ofMillis(3001));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.haltCode.get() != -1);
		awaitReport();
		assertThat(this.haltCode.get()).isEqualTo(GracefulShutdownExitCodes.BUDGET_EXCEEDED);
		assertThat(output).contains("Could not get the threads of shutdown phase 'broken'")
			.contains("phase 'broken' still running after 3001 ms; phase 'nulls' still running after 3001 ms");
	}

	@Test
	void watchdogOnlyLogsWhenForceExitIsDisabled(CapturedOutput output) {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(3), false);
		coordinator.begin(this.closed::get);
		coordinator.startPhase(ShutdownPhaseNames.HTTP);
		this.clock.advance(Duration.ofSeconds(4));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.listener.ended.contains("total=4000ms timed_out"));
		assertThat(this.haltCode.get()).isEqualTo(-1);
		assertThat(coordinator.getState()).isEqualTo(ShutdownState.STOPPED);
		assertThat(output).contains("Force exit is disabled, the JVM keeps waiting");
	}

	@Test
	void watchdogStandsDownOnceTheContextIsClosed() throws InterruptedException {
		ShutdownCoordinator coordinator = coordinator(Duration.ofSeconds(3), true);
		coordinator.begin(this.closed::get);
		Thread watchdog = coordinator.watchdogThread();
		assertThat(watchdog).isNotNull();
		this.closed.set(true);
		watchdog.join(TimeUnit.SECONDS.toMillis(30));
		assertThat(watchdog.isAlive()).isFalse();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.haltCode.get()).isEqualTo(-1);
		assertThat(this.listener.ended).isEmpty();
	}

	// The halt waits for the report at most a second, which a loaded machine may exceed
	private void awaitReport() {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.listener.ended.stream().anyMatch((ended) -> ended.startsWith("total=")));
	}

	private ShutdownCoordinator coordinator(Duration timeout, boolean halt) {
		return new ShutdownCoordinator(timeout, halt, List.of(this.listener), this.clock, this.haltCode::set);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class RecordingListener implements ShutdownPhaseListener {

		final List<String> started = new CopyOnWriteArrayList<>();

		final List<String> ended = new CopyOnWriteArrayList<>();

		@Override
		public void phaseStarted(String phase) {
			this.started.add(phase);
		}

		@Override
		public void phaseEnded(String phase, Duration duration, ShutdownOutcome outcome) {
			this.ended.add(phase + "=" + duration.toMillis() + "ms " + outcome.tagValue());
		}

	}

}
