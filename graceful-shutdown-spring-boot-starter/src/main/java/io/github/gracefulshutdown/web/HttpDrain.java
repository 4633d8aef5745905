package io.github.gracefulshutdown.web;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhase;
import io.github.gracefulshutdown.ShutdownPhaseLifecycle;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import org.jspecify.annotations.Nullable;

/**
 * Times Spring Boot's web server drain as phase {@link ShutdownPhaseNames#HTTP}: it
 * starts in the phase just before Boot pauses the connectors and ends in the phase just
 * after the last in-flight request completed (or the drain gave up). Requests still in
 * flight at that point make the outcome {@code timed_out}. It is itself the lifecycle of
 * {@link GracefulShutdownPhases#HTTP_DRAIN_END}; the start is marked by a separate
 * lifecycle in {@link GracefulShutdownPhases#HTTP_DRAIN_START}.
 */
final class HttpDrain extends ShutdownPhaseLifecycle {

	private final ShutdownCoordinator coordinator;

	private final @Nullable InFlightRequests inFlightRequests;

	private final boolean immediate;

	private volatile @Nullable ShutdownPhase phase;

	HttpDrain(ShutdownCoordinator coordinator, @Nullable InFlightRequests inFlightRequests, boolean immediate) {
		super(GracefulShutdownPhases.HTTP_DRAIN_END);
		this.coordinator = coordinator;
		this.inFlightRequests = inFlightRequests;
		this.immediate = immediate;
	}

	void begin() {
		if (this.immediate) {
			this.coordinator.skipPhase(ShutdownPhaseNames.HTTP, "server.shutdown is immediate");
			return;
		}
		InFlightRequests inFlightRequests = this.inFlightRequests;
		this.phase = (inFlightRequests != null)
				? this.coordinator.startPhase(ShutdownPhaseNames.HTTP, inFlightRequests::threads)
				: this.coordinator.startPhase(ShutdownPhaseNames.HTTP);
	}

	@Override
	protected void stopPhase() {
		ShutdownPhase phase = this.phase;
		if (phase != null) {
			boolean requestsLeft = this.inFlightRequests != null && this.inFlightRequests.count() > 0;
			phase.end(requestsLeft ? ShutdownOutcome.TIMED_OUT : ShutdownOutcome.COMPLETED);
		}
	}

}
