package io.github.gracefulshutdown.scheduling;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseListener;

/**
 * Records which shutdown phases started and how they ended, and runs actions when a phase
 * starts.
 */
class RecordingPhaseListener implements ShutdownPhaseListener {

	private final Map<String, CompletableFuture<Void>> started = new ConcurrentHashMap<>();

	private final Map<String, CompletableFuture<ShutdownOutcome>> ended = new ConcurrentHashMap<>();

	private final List<Consumer<String>> onStarted = new CopyOnWriteArrayList<>();

	@Override
	public void phaseStarted(String phase) {
		this.onStarted.forEach((action) -> action.accept(phase));
		started(phase).complete(null);
	}

	@Override
	public void phaseEnded(String phase, Duration duration, ShutdownOutcome outcome) {
		ended(phase).complete(outcome);
	}

	CompletableFuture<Void> started(String phase) {
		return this.started.computeIfAbsent(phase, (name) -> new CompletableFuture<>());
	}

	CompletableFuture<ShutdownOutcome> ended(String phase) {
		return this.ended.computeIfAbsent(phase, (name) -> new CompletableFuture<>());
	}

	void onStarted(Consumer<String> action) {
		this.onStarted.add(action);
	}

}
