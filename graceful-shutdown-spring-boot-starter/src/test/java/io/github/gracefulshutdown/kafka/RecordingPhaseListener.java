package io.github.gracefulshutdown.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseListener;

/**
 * Records when each shutdown phase started and ended, and how.
 */
class RecordingPhaseListener implements ShutdownPhaseListener {

	final Map<String, Instant> started = new ConcurrentHashMap<>();

	final Map<String, Instant> ended = new ConcurrentHashMap<>();

	final Map<String, ShutdownOutcome> outcomes = new ConcurrentHashMap<>();

	final Map<String, Duration> durations = new ConcurrentHashMap<>();

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
