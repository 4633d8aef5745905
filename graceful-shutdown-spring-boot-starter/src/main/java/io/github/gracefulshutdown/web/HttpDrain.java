package io.github.gracefulshutdown.web;

import java.time.Duration;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhase;
import io.github.gracefulshutdown.ShutdownPhaseLifecycle;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * Times Spring Boot's web server drain as phase {@link ShutdownPhaseNames#HTTP}: it
 * starts in the phase just before Boot pauses the connectors and ends in the phase just
 * after the last in-flight request completed (or the drain gave up). Requests still in
 * flight at that point, or a drain that lasted its whole timeout, make the outcome
 * {@code timed_out}. It is itself the lifecycle of
 * {@link GracefulShutdownPhases#HTTP_DRAIN_END}; the start is marked by a separate
 * lifecycle in {@link GracefulShutdownPhases#HTTP_DRAIN_START}.
 * <p>
 * When the drain starts, it bounds it by what is left of the budget, less the close
 * reserve: lifecycle phases that ran after the propagation delay (the application's own
 * {@code SmartLifecycle} beans, say) may have used part of the time that the drain
 * timeout set at startup counted on.
 */
final class HttpDrain extends ShutdownPhaseLifecycle {

	private final ShutdownCoordinator coordinator;

	private final @Nullable InFlightRequests inFlightRequests;

	private final boolean immediate;

	private final ObjectProvider<DefaultLifecycleProcessor> lifecycleProcessor;

	private final Duration closeReserve;

	private volatile @Nullable ShutdownPhase phase;

	private volatile @Nullable Duration drainTimeout;

	HttpDrain(ShutdownCoordinator coordinator, @Nullable InFlightRequests inFlightRequests, boolean immediate,
			ObjectProvider<DefaultLifecycleProcessor> lifecycleProcessor, Duration closeReserve) {
		super(GracefulShutdownPhases.HTTP_DRAIN_END, coordinator);
		this.coordinator = coordinator;
		this.inFlightRequests = inFlightRequests;
		this.immediate = immediate;
		this.lifecycleProcessor = lifecycleProcessor;
		this.closeReserve = closeReserve;
	}

	void begin() {
		if (this.immediate) {
			this.coordinator.skipPhase(ShutdownPhaseNames.HTTP, "server.shutdown is immediate");
			return;
		}
		boundByDeadline();
		InFlightRequests inFlightRequests = this.inFlightRequests;
		this.phase = (inFlightRequests != null)
				? this.coordinator.startPhase(ShutdownPhaseNames.HTTP, inFlightRequests::threads)
				: this.coordinator.startPhase(ShutdownPhaseNames.HTTP);
	}

	// Spring reads the timeout of a phase after it has asked the phase's beans to stop,
	// so this bounds the drain that follows
	private void boundByDeadline() {
		DefaultLifecycleProcessor lifecycleProcessor = this.lifecycleProcessor.getIfUnique();
		if (lifecycleProcessor != null) {
			long timeout = Math.max(0, this.coordinator.remaining().minus(this.closeReserve).toMillis());
			lifecycleProcessor.setTimeoutForShutdownPhase(GracefulShutdownPhases.WEB_SERVER_GRACEFUL_SHUTDOWN, timeout);
			this.drainTimeout = Duration.ofMillis(timeout);
		}
	}

	@Override
	protected void stopPhase() {
		ShutdownPhase phase = this.phase;
		if (phase != null) {
			boolean requestsLeft = this.inFlightRequests != null && this.inFlightRequests.count() > 0;
			// Spring gave up on the drain: something the starter does not count held it
			// (a WebSocket session of a handler it cannot track, say)
			Duration drainTimeout = this.drainTimeout;
			boolean outlasted = drainTimeout != null && phase.elapsed().compareTo(drainTimeout) >= 0;
			phase.end((requestsLeft || outlasted) ? ShutdownOutcome.TIMED_OUT : ShutdownOutcome.COMPLETED);
		}
	}

}
