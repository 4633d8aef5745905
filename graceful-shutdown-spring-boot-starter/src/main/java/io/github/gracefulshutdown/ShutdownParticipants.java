package io.github.gracefulshutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.OrderUtils;

/**
 * Runs the {@link ShutdownParticipant participants}: stops them all in
 * {@link GracefulShutdownPhases#WORKERS_STOP}, right after the propagation delay and
 * before the HTTP drain starts, without waiting, then waits for them in
 * {@link GracefulShutdownPhases#WORKERS_AWAIT}, right after the drain. They therefore
 * stop in parallel with the drain and with each other. Each is a phase of its own, ended
 * by the participant's report or by its deadline, whichever comes first.
 * <p>
 * Participants that declare an order ({@link Ordered} or
 * {@link org.springframework.core.annotation.Order @Order}) stop in groups, lowest order
 * first: a group is told to stop once every participant of the groups before it has
 * ended. Participants without an order form the last group. The {@link ShutdownSignal}
 * fires before the first group is told to stop.
 *
 * @since 0.1.0
 */
public final class ShutdownParticipants {

	private static final Log logger = LogFactory.getLog(ShutdownParticipants.class);

	private final ShutdownCoordinator coordinator;

	private final List<List<ShutdownParticipant>> groups;

	private final Duration closeReserve;

	private final @Nullable ShutdownSignal signal;

	private @Nullable CompletableFuture<Void> done;

	/**
	 * Create a new instance.
	 * @param coordinator the shutdown coordinator
	 * @param participants the participants
	 * @param closeReserve the part of the budget kept back for closing the rest of the
	 * application: every participant must have stopped this long before the deadline
	 */
	public ShutdownParticipants(ShutdownCoordinator coordinator, List<ShutdownParticipant> participants,
			Duration closeReserve) {
		this(coordinator, participants, closeReserve, null);
	}

	/**
	 * Create a new instance.
	 * @param coordinator the shutdown coordinator
	 * @param participants the participants
	 * @param closeReserve the part of the budget kept back for closing the rest of the
	 * application: every participant must have stopped this long before the deadline
	 * @param signal the signal to fire when the participants are told to stop, if any
	 */
	public ShutdownParticipants(ShutdownCoordinator coordinator, List<ShutdownParticipant> participants,
			Duration closeReserve, @Nullable ShutdownSignal signal) {
		this.coordinator = coordinator;
		this.groups = groupByOrder(participants);
		this.closeReserve = closeReserve;
		this.signal = signal;
	}

	private static List<List<ShutdownParticipant>> groupByOrder(List<ShutdownParticipant> participants) {
		Map<Integer, List<ShutdownParticipant>> groups = new TreeMap<>();
		for (ShutdownParticipant participant : participants) {
			groups.computeIfAbsent(order(participant), (order) -> new ArrayList<>()).add(participant);
		}
		return groups.values().stream().map(List::copyOf).toList();
	}

	private static int order(ShutdownParticipant participant) {
		if (participant instanceof Ordered ordered) {
			return ordered.getOrder();
		}
		Integer order = OrderUtils.getOrder(participant.getClass());
		return (order != null) ? order : Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Return the lifecycle that stops the participants.
	 * @return the lifecycle for {@link GracefulShutdownPhases#WORKERS_STOP}
	 */
	public SmartLifecycle stopLifecycle() {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.WORKERS_STOP, this.coordinator, this::stopAll);
	}

	/**
	 * Return the lifecycle that waits for the participants.
	 * @return the lifecycle for {@link GracefulShutdownPhases#WORKERS_AWAIT}
	 */
	public SmartLifecycle awaitLifecycle() {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.WORKERS_AWAIT, this.coordinator, this::awaitAll);
	}

	synchronized void stopAll() {
		Instant shutdownDeadline = this.coordinator.deadline();
		if (this.signal != null) {
			this.signal.drainStarted(shutdownDeadline);
		}
		Instant hardDeadline = shutdownDeadline.minus(this.closeReserve);
		CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
		for (List<ShutdownParticipant> group : this.groups) {
			done = done.thenCompose((previous) -> stop(group, hardDeadline));
		}
		this.done = done;
	}

	private CompletableFuture<Void> stop(List<ShutdownParticipant> group, Instant hardDeadline) {
		return CompletableFuture.allOf(
				group.stream().map((participant) -> stop(participant, hardDeadline)).toArray(CompletableFuture[]::new));
	}

	private CompletableFuture<ShutdownOutcome> stop(ShutdownParticipant participant, Instant hardDeadline) {
		Instant now = this.coordinator.clock().instant();
		String name;
		Instant deadline;
		try {
			name = participant.getPhase();
			deadline = deadline(participant.getTimeout(), now, hardDeadline);
		}
		catch (Throwable ex) {
			// Without a phase to report it in, the participant is left out; the others
			// still stop
			logger.warn("Shutdown participant " + participant.getClass().getName() + " could not be stopped", ex);
			return CompletableFuture.completedFuture(ShutdownOutcome.FAILED);
		}
		ShutdownPhase phase = this.coordinator.startPhase(name, participant::getThreads);
		ShutdownRequest request = new ShutdownRequest(deadline, this.coordinator.clock());
		try {
			participant.stop(request);
		}
		catch (Throwable ex) {
			// An Error too: thrown on, it would end the chain of groups and no later
			// participant would be told to stop
			logger.warn("Shutdown participant for phase '" + name + "' failed to stop", ex);
			request.failed();
		}
		// From now, not from before stop(): time that stop() blocked is part of the
		// participant's time, not added to it
		long millis = Math.max(0, Duration.between(this.coordinator.clock().instant(), deadline).toMillis());
		return request.outcome()
			.completeOnTimeout(ShutdownOutcome.TIMED_OUT, millis, TimeUnit.MILLISECONDS)
			.whenComplete((outcome, ex) -> phase.end(outcome));
	}

	// Compared as durations: a timeout meant as "no limit" (ChronoUnit.FOREVER, say) is
	// too large to add to an instant
	private static Instant deadline(@Nullable Duration timeout, Instant now, Instant hardDeadline) {
		return (timeout != null && timeout.compareTo(Duration.between(now, hardDeadline)) < 0) ? now.plus(timeout)
				: hardDeadline;
	}

	synchronized void awaitAll(Runnable callback) {
		CompletableFuture<Void> done = this.done;
		if (done == null) {
			callback.run();
			return;
		}
		done.whenComplete((result, ex) -> callback.run());
	}

}
