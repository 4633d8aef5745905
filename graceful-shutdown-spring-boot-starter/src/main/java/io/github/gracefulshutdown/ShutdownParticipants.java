package io.github.gracefulshutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link ShutdownParticipant participants}: stops them all in
 * {@link GracefulShutdownPhases#WORKERS_STOP}, right after the propagation delay and
 * before the HTTP drain starts, without waiting, then waits for them in
 * {@link GracefulShutdownPhases#WORKERS_AWAIT}, right after the drain. They therefore
 * stop in parallel with the drain and with each other. Each is a phase of its own, ended
 * by the participant's report or by its deadline, whichever comes first.
 *
 * @since 0.1.0
 */
public final class ShutdownParticipants {

	private static final Log logger = LogFactory.getLog(ShutdownParticipants.class);

	private final ShutdownCoordinator coordinator;

	private final List<ShutdownParticipant> participants;

	private final Duration closeReserve;

	private final List<CompletableFuture<ShutdownOutcome>> outcomes = new ArrayList<>();

	/**
	 * Create a new instance.
	 * @param coordinator the shutdown coordinator
	 * @param participants the participants
	 * @param closeReserve the part of the budget kept back for closing the rest of the
	 * application: every participant must have stopped this long before the deadline
	 */
	public ShutdownParticipants(ShutdownCoordinator coordinator, List<ShutdownParticipant> participants,
			Duration closeReserve) {
		this.coordinator = coordinator;
		this.participants = List.copyOf(participants);
		this.closeReserve = closeReserve;
	}

	/**
	 * Return the lifecycle that stops the participants.
	 * @return the lifecycle for {@link GracefulShutdownPhases#WORKERS_STOP}
	 */
	public SmartLifecycle stopLifecycle() {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.WORKERS_STOP, this::stopAll);
	}

	/**
	 * Return the lifecycle that waits for the participants.
	 * @return the lifecycle for {@link GracefulShutdownPhases#WORKERS_AWAIT}
	 */
	public SmartLifecycle awaitLifecycle() {
		return new AwaitLifecycle();
	}

	synchronized void stopAll() {
		Instant hardDeadline = this.coordinator.deadline().minus(this.closeReserve);
		for (ShutdownParticipant participant : this.participants) {
			this.outcomes.add(stop(participant, hardDeadline));
		}
	}

	private CompletableFuture<ShutdownOutcome> stop(ShutdownParticipant participant, Instant hardDeadline) {
		Instant now = this.coordinator.clock().instant();
		Duration timeout = participant.getTimeout();
		Instant deadline = (timeout != null && now.plus(timeout).isBefore(hardDeadline)) ? now.plus(timeout)
				: hardDeadline;
		ShutdownPhase phase = this.coordinator.startPhase(participant.getPhase(), participant::getThreads);
		ShutdownRequest request = new ShutdownRequest(deadline, this.coordinator.clock());
		try {
			participant.stop(request);
		}
		catch (RuntimeException ex) {
			logger.warn("Shutdown participant for phase '" + participant.getPhase() + "' failed to stop", ex);
			request.failed();
		}
		long millis = Math.max(0, Duration.between(now, deadline).toMillis());
		return request.outcome()
			.completeOnTimeout(ShutdownOutcome.TIMED_OUT, millis, TimeUnit.MILLISECONDS)
			.whenComplete((outcome, ex) -> phase.end(outcome));
	}

	synchronized void awaitAll(Runnable callback) {
		CompletableFuture.allOf(this.outcomes.toArray(CompletableFuture[]::new))
			.whenComplete((result, ex) -> callback.run());
	}

	/**
	 * Waits for the participants without blocking the lifecycle processor's thread.
	 */
	private final class AwaitLifecycle implements SmartLifecycle {

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			throw new UnsupportedOperationException("Stop must not be invoked directly");
		}

		@Override
		public void stop(Runnable callback) {
			this.running = false;
			awaitAll(callback);
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return GracefulShutdownPhases.WORKERS_AWAIT;
		}

		@Override
		public boolean isPauseable() {
			return false;
		}

	}

}
