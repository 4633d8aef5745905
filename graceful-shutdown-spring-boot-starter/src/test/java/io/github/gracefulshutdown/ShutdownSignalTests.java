package io.github.gracefulshutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ShutdownSignal}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownSignalTests {

	private final TestClock clock = new TestClock();

	private final ShutdownSignal signal = new ShutdownSignal(ShutdownSignal.Moment.AFTER_PROPAGATION_DELAY,
			Duration.ofSeconds(1), this.clock);

	@Test
	void firesWhenTheDrainStartsWithTheDeadlineLessTheReserve() {
		Instant shutdownDeadline = this.clock.instant().plusSeconds(25);
		assertThat(this.signal.isShutdownRequested()).isFalse();
		assertThat(this.signal.getDeadline()).isNull();
		assertThat(this.signal.remaining()).isNull();
		this.signal.shutdownStarted(shutdownDeadline);
		assertThat(this.signal.isShutdownRequested()).isFalse();
		this.signal.drainStarted(shutdownDeadline);
		assertThat(this.signal.isShutdownRequested()).isTrue();
		assertThat(this.signal.getDeadline()).isEqualTo(shutdownDeadline.minusSeconds(1));
		this.clock.advance(Duration.ofSeconds(4));
		assertThat(this.signal.remaining()).isEqualTo(Duration.ofSeconds(20));
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.signal.remaining()).isZero();
	}

	@Test
	void canFireAtTheStartOfTheShutdown() {
		ShutdownSignal early = new ShutdownSignal(ShutdownSignal.Moment.AT_SHUTDOWN_START, Duration.ZERO, this.clock);
		early.shutdownStarted(this.clock.instant().plusSeconds(25));
		assertThat(early.isShutdownRequested()).isTrue();
	}

	@Test
	void callbacksRunOnceWhenFiredAndAtOnceWhenRegisteredLater() {
		List<String> calls = new CopyOnWriteArrayList<>();
		this.signal.onShutdown(() -> calls.add("before"));
		assertThat(calls).isEmpty();
		this.signal.drainStarted(this.clock.instant());
		this.signal.drainStarted(this.clock.instant());
		assertThat(calls).containsExactly("before");
		this.signal.onShutdown(() -> calls.add("after"));
		assertThat(calls).containsExactly("before", "after");
	}

	@ParameterizedTest
	@MethodSource("io.github.gracefulshutdown.Failures#exceptionAndError")
	void failingCallbackDoesNotStopTheOthersNorTheCaller(Runnable failure, CapturedOutput output) {
		AtomicInteger calls = new AtomicInteger();
		this.signal.onShutdown(failure);
		this.signal.onShutdown(calls::incrementAndGet);
		this.signal.drainStarted(this.clock.instant());
		assertThat(calls).hasValue(1);
		assertThat(output).contains("Shutdown signal callback failed").contains("boom");
	}

	@Test
	void closedRegistrationIsNotCalled() {
		List<String> calls = new CopyOnWriteArrayList<>();
		ShutdownSignal.Registration removed = this.signal.onShutdown(() -> calls.add("removed"));
		this.signal.onShutdown(() -> calls.add("kept"));
		try (ShutdownSignal.Registration scoped = this.signal.onShutdown(() -> calls.add("scoped"))) {
			assertThat(calls).isEmpty();
		}
		removed.close();
		removed.close();
		this.signal.drainStarted(this.clock.instant());
		assertThat(calls).containsExactly("kept");
	}

	@Test
	void registrationClosedWhileTheSignalFiresIsNotCalled() {
		// A worker that ends (and closes its registration) while the callbacks run, on
		// the thread that fires the signal or on another one
		List<String> calls = new CopyOnWriteArrayList<>();
		AtomicReference<ShutdownSignal.Registration> later = new AtomicReference<>();
		this.signal.onShutdown(() -> {
			calls.add("first");
			later.get().close();
		});
		later.set(this.signal.onShutdown(() -> calls.add("closed")));
		this.signal.drainStarted(this.clock.instant());
		assertThat(calls).containsExactly("first");
	}

	@Test
	void sameCallbackRegisteredTwiceRunsTwiceUnlessOneRegistrationIsClosed() {
		AtomicInteger calls = new AtomicInteger();
		Runnable callback = calls::incrementAndGet;
		this.signal.onShutdown(callback);
		this.signal.onShutdown(callback).close();
		this.signal.onShutdown(callback);
		this.signal.drainStarted(this.clock.instant());
		assertThat(calls).hasValue(2);
	}

	@Test
	void closingARegistrationAfterTheCallbackRanDoesNothing() {
		AtomicInteger calls = new AtomicInteger();
		ShutdownSignal.Registration before = this.signal.onShutdown(calls::incrementAndGet);
		this.signal.drainStarted(this.clock.instant());
		before.close();
		ShutdownSignal.Registration after = this.signal.onShutdown(calls::incrementAndGet);
		after.close();
		assertThat(calls).hasValue(2);
	}

	@Test
	void boundedWaitReturnsWhenTheShutdownIsRequested() throws Exception {
		assertThat(this.signal.await(Duration.ofMillis(10))).isFalse();
		CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return this.signal.await(Duration.ofSeconds(60));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		});
		this.signal.drainStarted(this.clock.instant());
		assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void loopStopsWithinOneIterationOfTheSignal() throws Exception {
		CountDownLatch looping = new CountDownLatch(1);
		AtomicInteger iterationsAfterSignal = new AtomicInteger();
		CompletableFuture<Void> worker = CompletableFuture.runAsync(() -> {
			try {
				while (!this.signal.isShutdownRequested()) {
					looping.countDown();
					this.signal.await(Duration.ofMillis(20));
					if (this.signal.isShutdownRequested()) {
						iterationsAfterSignal.incrementAndGet();
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(looping.await(30, TimeUnit.SECONDS)).isTrue();
		this.signal.drainStarted(this.clock.instant());
		worker.get(30, TimeUnit.SECONDS);
		assertThat(iterationsAfterSignal).hasValueLessThanOrEqualTo(1);
	}

}
