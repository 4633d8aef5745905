package io.github.gracefulshutdown;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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

	@Test
	void runsAfterStartInItsPhaseAndIsNotPauseable() {
		SyncStep lifecycle = new SyncStep(null);
		assertThat(lifecycle.isRunning()).isFalse();
		lifecycle.start();
		assertThat(lifecycle.isRunning()).isTrue();
		assertThat(lifecycle.getPhase()).isEqualTo(42);
		assertThat(lifecycle.isPauseable()).isFalse();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(lifecycle::stop);
	}

	@Test
	void synchronousStepRunsThenEndsThePhase() {
		SyncStep lifecycle = new SyncStep(null);
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(lifecycle.steps).hasValue(1);
		assertThat(this.callbacks).hasValue(1);
		assertThat(lifecycle.isRunning()).isFalse();
	}

	@Test
	void failingStepIsLoggedAndEndsThePhase(CapturedOutput output) {
		SyncStep lifecycle = new SyncStep(new IllegalStateException("boom"));
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(this.callbacks).hasValue(1);
		assertThat(output).contains("Graceful shutdown step in lifecycle phase 42 failed")
			.contains("IllegalStateException: boom");
	}

	@Test
	void asynchronousStepEndsThePhaseWhenItCallsBackAndOnlyOnce() {
		AtomicReference<Runnable> pending = new AtomicReference<>();
		ShutdownPhaseLifecycle lifecycle = new ShutdownPhaseLifecycle(42) {

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
		ShutdownMarkerLifecycle marker = new ShutdownMarkerLifecycle(7, actions::incrementAndGet);
		marker.start();
		marker.stop(this.callbacks::incrementAndGet);
		assertThat(marker.getPhase()).isEqualTo(7);
		assertThat(actions).hasValue(1);
		assertThat(this.callbacks).hasValue(1);
	}

	private static final class SyncStep extends ShutdownPhaseLifecycle {

		private final AtomicInteger steps = new AtomicInteger();

		private final RuntimeException failure;

		SyncStep(RuntimeException failure) {
			super(42);
			this.failure = failure;
		}

		@Override
		protected void stopPhase() {
			this.steps.incrementAndGet();
			if (this.failure != null) {
				throw this.failure;
			}
		}

	}

}
