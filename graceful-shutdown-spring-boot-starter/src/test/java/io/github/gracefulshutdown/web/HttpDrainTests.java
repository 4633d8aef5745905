package io.github.gracefulshutdown.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.gracefulshutdown.RecordingPhaseListener;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.context.support.DefaultLifecycleProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpDrain}.
 */
class HttpDrainTests {

	private final TestClock clock = new TestClock();

	private final RecordingPhaseListener listener = new RecordingPhaseListener();

	private final ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(30), false,
			List.of(this.listener), this.clock);

	private final AtomicBoolean closed = new AtomicBoolean();

	private final HttpDrain drain = new HttpDrain(this.coordinator, null, false,
			new StaticListableBeanFactory(Map.of("lifecycleProcessor", new DefaultLifecycleProcessor()))
				.getBeanProvider(DefaultLifecycleProcessor.class),
			Duration.ofSeconds(1));

	@AfterEach
	void standDownWatchdog() {
		this.closed.set(true);
	}

	@Test
	void drainThatEndsWithinItsTimeoutIsCompleted() {
		drainFor(Duration.ofSeconds(2));
		assertThat(this.listener.outcomes).containsEntry(ShutdownPhaseNames.HTTP, ShutdownOutcome.COMPLETED);
	}

	@Test
	void drainThatLastsItsWholeTimeoutIsTimedOutWithNoRequestCounted() {
		// 30 s budget less the 1 s close reserve: Spring gave up on the drain
		drainFor(Duration.ofSeconds(29));
		assertThat(this.listener.outcomes).containsEntry(ShutdownPhaseNames.HTTP, ShutdownOutcome.TIMED_OUT);
	}

	private void drainFor(Duration duration) {
		this.drain.start();
		this.coordinator.begin(this.closed::get);
		this.drain.begin();
		this.clock.advance(duration);
		this.drain.stop(() -> {
		});
	}

}
