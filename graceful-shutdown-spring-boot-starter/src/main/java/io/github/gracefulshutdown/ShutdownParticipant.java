package io.github.gracefulshutdown;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Something that stops during the graceful shutdown: it is told to stop right after the
 * propagation delay, in parallel with the HTTP drain and with every other participant,
 * and is timed as its own phase. The starter's Kafka and scheduling phases are
 * participants.
 *
 * @since 0.1.0
 */
public interface ShutdownParticipant {

	/**
	 * Return the name of the phase, as it appears in log lines, the summary line and the
	 * {@code phase} tag of the {@code shutdown.phase.duration} timer.
	 * @return the phase name
	 */
	String getPhase();

	/**
	 * Return how long this participant may take. When it has not reported by then, the
	 * phase is {@link ShutdownOutcome#TIMED_OUT timed out} and the shutdown goes on
	 * without it. The budget left after the delay always applies as well.
	 * @return the timeout, or {@code null} for the rest of the budget
	 */
	default @Nullable Duration getTimeout() {
		return null;
	}

	/**
	 * Start stopping. Must not block: stop on another thread if it takes time, and report
	 * the outcome through the request.
	 * @param request the request to report the outcome to
	 */
	void stop(ShutdownRequest request);

	/**
	 * Return the threads doing this participant's work, whose stacks the watchdog logs if
	 * the shutdown hangs.
	 * @return the threads, possibly empty
	 */
	default Collection<Thread> getThreads() {
		return List.of();
	}

}
