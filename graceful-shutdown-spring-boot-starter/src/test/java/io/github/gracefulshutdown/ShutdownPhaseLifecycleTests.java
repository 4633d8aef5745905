package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ShutdownPhaseLifecycle}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownPhaseLifecycleTests {

	private final AtomicInteger callbacks = new AtomicInteger();

	private final ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(30), false, List.of(),
			Clock.systemUTC());

	private final AtomicBoolean closed = new AtomicBoolean();

	@BeforeEach
	void beginShutdown() {
		this.coordinator.begin(this.closed::get);
	}

	// The watchdog's thread ends too, rather than report into a later test
	@AfterEach
	void completeShutdown() {
		this.coordinator.complete();
		this.closed.set(true);
	}

	@Test
	void runsAfterStartInItsPhaseAndIsNotPauseable() {
		SyncStep lifecycle = new SyncStep(null, this.coordinator);
		assertThat(lifecycle.isRunning()).isFalse();
		lifecycle.start();
		assertThat(lifecycle.isRunning()).isTrue();
		assertThat(lifecycle.getPhase()).isEqualTo(42);
		assertThat(lifecycle.isPauseable()).isFalse();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(lifecycle::stop);
	}

	@Test
	void synchronousStepRunsThenEndsThePhase() {
		SyncStep lifecycle = new SyncStep(null, this.coordinator);
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(lifecycle.steps).hasValue(1);
		assertThat(this.callbacks).hasValue(1);
		assertThat(lifecycle.isRunning()).isFalse();
	}

	@ParameterizedTest
	@MethodSource("io.github.gracefulshutdown.Failures#exceptionAndError")
	void failingStepIsLoggedAndEndsThePhase(Runnable failure, CapturedOutput output) {
		SyncStep lifecycle = new SyncStep(failure, this.coordinator);
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(lifecycle.steps).hasValue(1);
		assertThat(this.callbacks).hasValue(1);
		assertThat(output).contains("Graceful shutdown step in lifecycle phase 42 failed").contains("boom");
	}

	@Test
	void asynchronousStepEndsThePhaseWhenItCallsBackAndOnlyOnce() {
		AtomicReference<Runnable> pending = new AtomicReference<>();
		ShutdownPhaseLifecycle lifecycle = new ShutdownPhaseLifecycle(42, this.coordinator) {

			@Override
			protected void stopPhase(Runnable callback) {
				pending.set(callback);
			}

		};
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(this.callbacks).hasValue(0);
		pending.get().run();
		pending.get().run();
		assertThat(this.callbacks).hasValue(1);
	}

	@Test
	void markerRunsItsActionInItsPhase() {
		AtomicInteger actions = new AtomicInteger();
		ShutdownMarkerLifecycle marker = new ShutdownMarkerLifecycle(7, this.coordinator, actions::incrementAndGet);
		marker.start();
		marker.stop(this.callbacks::incrementAndGet);
		assertThat(marker.getPhase()).isEqualTo(7);
		assertThat(actions).hasValue(1);
		assertThat(this.callbacks).hasValue(1);
	}

	@Test
	void stopOutsideAShutdownOnlyEndsThePhase() {
		ShutdownCoordinator notShuttingDown = new ShutdownCoordinator(Duration.ofSeconds(30), false, List.of(),
				Clock.systemUTC());
		SyncStep lifecycle = new SyncStep(null, notShuttingDown);
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(lifecycle.steps).hasValue(0);
		assertThat(this.callbacks).hasValue(1);
		assertThat(lifecycle.isRunning()).isFalse();
		lifecycle.start();
		assertThat(lifecycle.isRunning()).isTrue();
	}

	private static final class SyncStep extends ShutdownPhaseLifecycle {

		private final AtomicInteger steps = new AtomicInteger();

		private final Runnable failure;

		SyncStep(Runnable failure, ShutdownCoordinator coordinator) {
			super(42, coordinator);
			this.failure = failure;
		}

		@Override
		protected void stopPhase() {
			this.steps.incrementAndGet();
			if (this.failure != null) {
				this.failure.run();
			}
		}

	}

}
