package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A request to a {@link ShutdownParticipant} to stop, with its deadline. The participant
 * reports how it ended exactly once; later reports are ignored.
 *
 * @since 0.1.0
 */
public final class ShutdownRequest {

	private final Instant deadline;

	private final Clock clock;

	private final CompletableFuture<ShutdownOutcome> outcome = new CompletableFuture<>();

	ShutdownRequest(Instant deadline, Clock clock) {
		this.deadline = deadline;
		this.clock = clock;
	}

	/**
	 * Return when the participant must have stopped. An instant of the shutdown's
	 * {@link MonotonicClock}, which differs from the wall clock by any step that clock
	 * has taken since startup: to tell the time left, use {@link #remaining()}.
	 * @return the deadline
	 */
	public Instant getDeadline() {
		return this.deadline;
	}

	/**
	 * Return the time left until the deadline, zero once it has passed.
	 * @return the remaining time
	 */
	public Duration remaining() {
		Duration remaining = Duration.between(this.clock.instant(), this.deadline);
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}

	/**
	 * Report that the participant has stopped.
	 */
	public void completed() {
		this.outcome.complete(ShutdownOutcome.COMPLETED);
	}

	/**
	 * Report that the participant gave up at its own bound (for example it abandoned work
	 * that was still running).
	 */
	public void timedOut() {
		this.outcome.complete(ShutdownOutcome.TIMED_OUT);
	}

	/**
	 * Report that the participant had nothing to stop.
	 */
	public void skipped() {
		this.outcome.complete(ShutdownOutcome.SKIPPED);
	}

	/**
	 * Report that stopping failed.
	 */
	public void failed() {
		this.outcome.complete(ShutdownOutcome.FAILED);
	}

	/**
	 * Return whether the outcome has been reported (or the deadline has passed).
	 * @return whether the request is done
	 */
	public boolean isDone() {
		return this.outcome.isDone();
	}

	CompletableFuture<ShutdownOutcome> outcome() {
		return this.outcome;
	}

}
