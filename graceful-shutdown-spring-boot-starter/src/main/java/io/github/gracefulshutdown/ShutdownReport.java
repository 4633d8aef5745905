package io.github.gracefulshutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a shutdown did: when it started, its budget and how each phase ended.
 *
 * @param startedAt when the shutdown started
 * @param budget the total time the shutdown may take
 * @param phases the phases that ended, in the order they ended
 * @since 0.1.0
 */
public record ShutdownReport(Instant startedAt, Duration budget, List<Phase> phases) {

	public ShutdownReport {
		phases = List.copyOf(phases);
	}

	/**
	 * Return the one-line summary that is logged at the end of the shutdown, for example
	 * {@code readiness=0ms completed, propagation=5001ms completed, http=212ms completed}.
	 * @return the summary of every phase
	 */
	public String summary() {
		return this.phases.stream()
			.map((phase) -> phase.name() + "=" + phase.duration().toMillis() + "ms " + phase.outcome().tagValue())
			.collect(Collectors.joining(", "));
	}

	/**
	 * A phase that ended.
	 *
	 * @param name the phase name
	 * @param duration how long it ran
	 * @param outcome how it ended
	 */
	public record Phase(String name, Duration duration, ShutdownOutcome outcome) {

	}

}
