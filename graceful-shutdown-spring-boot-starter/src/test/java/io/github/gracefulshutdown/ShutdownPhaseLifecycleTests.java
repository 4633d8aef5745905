package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

	private final ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(30), false, List.of(),
			Clock.systemUTC());

	@BeforeEach
	void beginShutdown() {
		this.coordinator.begin(() -> false);
	}

	@AfterEach
	void completeShutdown() {
		this.coordinator.complete();
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

	@Test
	void failingStepIsLoggedAndEndsThePhase(CapturedOutput output) {
		SyncStep lifecycle = new SyncStep(new IllegalStateException("boom"), this.coordinator);
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(this.callbacks).hasValue(1);
		assertThat(output).contains("Graceful shutdown step in lifecycle phase 42 failed")
			.contains("IllegalStateException: boom");
	}

	@Test
	void stepThatThrowsAnErrorIsLoggedAndEndsThePhase(CapturedOutput output) {
		SyncStep lifecycle = new SyncStep(new NoClassDefFoundError("com/example/Gone"), this.coordinator);
		lifecycle.start();
		lifecycle.stop(this.callbacks::incrementAndGet);
		assertThat(this.callbacks).hasValue(1);
		assertThat(output).contains("Graceful shutdown step in lifecycle phase 42 failed")
			.contains("NoClassDefFoundError: com/example/Gone");
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

		private final Throwable failure;

		SyncStep(Throwable failure, ShutdownCoordinator coordinator) {
			super(42, coordinator);
			this.failure = failure;
		}

		@Override
		protected void stopPhase() {
			this.steps.incrementAndGet();
			if (this.failure instanceof RuntimeException ex) {
				throw ex;
			}
			if (this.failure instanceof Error error) {
				throw error;
			}
		}

	}

}
