package io.github.gracefulshutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records when each shutdown phase started and ended, and how, for tests that check the
 * timeline.
 */
public class RecordingPhaseListener implements ShutdownPhaseListener {

	/**
	 * When each phase started.
	 */
	public final Map<String, Instant> started = new ConcurrentHashMap<>();

	/**
	 * When each phase ended.
	 */
	public final Map<String, Instant> ended = new ConcurrentHashMap<>();

	/**
	 * How each phase ended.
	 */
	public final Map<String, ShutdownOutcome> outcomes = new ConcurrentHashMap<>();

	/**
	 * How long each phase ran.
	 */
	public final Map<String, Duration> durations = new ConcurrentHashMap<>();

	@Override
	public void phaseStarted(String phase) {
		this.started.put(phase, Instant.now());
	}

	@Override
	public void phaseEnded(String phase, Duration duration, ShutdownOutcome outcome) {
		this.ended.put(phase, Instant.now());
		this.outcomes.put(phase, outcome);
		this.durations.put(phase, duration);
	}

}
