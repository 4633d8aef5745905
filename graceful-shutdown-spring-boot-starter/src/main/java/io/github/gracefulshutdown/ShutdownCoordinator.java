package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one clock and budget of a shutdown. The first phase {@link #begin begins} it and
 * arms a {@link ShutdownWatchdog watchdog}; every phase is {@link #startPhase started}
 * and ended through it, which logs the phase and notifies the
 * {@link ShutdownPhaseListener listeners}; the last phase {@link #complete completes} it
 * and logs the summary line.
 *
 * @since 0.1.0
 */
public final class ShutdownCoordinator {

	private static final Log logger = LogFactory.getLog(ShutdownCoordinator.class);

	private final Duration timeout;

	private final boolean haltOnTimeout;

	private final List<ShutdownPhaseListener> listeners;

	private final Clock clock;

	private final IntConsumer halt;

	private final Object monitor = new Object();

	private volatile @Nullable Instant startedAt;

	private volatile @Nullable String signal;

	private @Nullable Thread closingThread;

	private @Nullable ShutdownWatchdog watchdog;

	private final Map<String, ShutdownPhase> running = new LinkedHashMap<>();

	private final List<ShutdownReport.Phase> ended = new ArrayList<>();

	private final List<ShutdownPhase> timedOut = new ArrayList<>();

	private boolean completed;

	/**
	 * Create a new coordinator.
	 * @param timeout the total budget of the shutdown
	 * @param haltOnTimeout whether the watchdog halts the JVM when the budget is exceeded
	 * @param listeners the listeners to notify
	 * @param clock the clock to measure the budget and the phases with,
	 * {@link MonotonicClock#system()} in an application
	 */
	public ShutdownCoordinator(Duration timeout, boolean haltOnTimeout, List<ShutdownPhaseListener> listeners,
			Clock clock) {
		this(timeout, haltOnTimeout, listeners, clock, Runtime.getRuntime()::halt);
	}

	ShutdownCoordinator(Duration timeout, boolean haltOnTimeout, List<ShutdownPhaseListener> listeners, Clock clock,
			IntConsumer halt) {
		this.timeout = timeout;
		this.haltOnTimeout = haltOnTimeout;
		this.listeners = List.copyOf(listeners);
		this.clock = clock;
		this.halt = halt;
	}

	/**
	 * Begin the shutdown on the calling thread: start the clock and arm the watchdog.
	 * @param closed tells the watchdog that the application has finished closing, so that
	 * it stands down
	 * @return {@code true} if this call began the shutdown, {@code false} if it had
	 * already begun
	 */
	public boolean begin(BooleanSupplier closed) {
		ShutdownWatchdog watchdog;
		synchronized (this.monitor) {
			if (this.startedAt != null) {
				return false;
			}
			Instant now = this.clock.instant();
			this.closingThread = Thread.currentThread();
			watchdog = new ShutdownWatchdog(this, now.plus(this.timeout), closed, this.haltOnTimeout, this.halt,
					this.clock);
			this.watchdog = watchdog;
			this.startedAt = now;
		}
		watchdog.start();
		return true;
	}

	/**
	 * Record the name of the signal that triggered the shutdown, for the first log line.
	 * @param signal the signal name, for example {@code SIGTERM}
	 */
	public void signalReceived(String signal) {
		if (this.signal == null) {
			this.signal = signal;
		}
	}

	/**
	 * Return the name of the signal that triggered the shutdown, if known.
	 * @return the signal name or {@code null}
	 */
	public @Nullable String getSignal() {
		return this.signal;
	}

	/**
	 * Return whether the shutdown has begun.
	 * @return {@code true} once {@link #begin} has been called
	 */
	public boolean isShuttingDown() {
		return this.startedAt != null;
	}

	/**
	 * Return where the application is in its shutdown: {@link ShutdownState#RUNNING
	 * running} before it begins, {@link ShutdownState#PROPAGATING propagating} until the
	 * {@link ShutdownPhaseNames#PROPAGATION propagation} phase ends or is skipped,
	 * {@link ShutdownState#DRAINING draining} after that and {@link ShutdownState#STOPPED
	 * stopped} once it has completed.
	 * @return the current state
	 */
	public ShutdownState getState() {
		synchronized (this.monitor) {
			if (this.startedAt == null) {
				return ShutdownState.RUNNING;
			}
			if (this.completed) {
				return ShutdownState.STOPPED;
			}
			boolean propagated = this.ended.stream()
				.anyMatch((phase) -> ShutdownPhaseNames.PROPAGATION.equals(phase.name()));
			return propagated ? ShutdownState.DRAINING : ShutdownState.PROPAGATING;
		}
	}

	/**
	 * Return the total budget of the shutdown.
	 * @return the budget
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Return the time left until the budget is used up, the full budget before the
	 * shutdown has begun, and zero once it has been exceeded.
	 * @return the remaining time
	 */
	public Duration remaining() {
		Instant startedAt = this.startedAt;
		if (startedAt == null) {
			return this.timeout;
		}
		Duration remaining = this.timeout.minus(Duration.between(startedAt, this.clock.instant()));
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}

	/**
	 * Return when the budget runs out: the start of the shutdown plus the timeout, or the
	 * timeout from now if the shutdown has not begun.
	 * @return the deadline
	 */
	public Instant deadline() {
		Instant startedAt = this.startedAt;
		return ((startedAt != null) ? startedAt : this.clock.instant()).plus(this.timeout);
	}

	/**
	 * Start a phase held by the calling thread.
	 * @param name the phase name
	 * @return the running phase, to be ended by the caller
	 */
	public ShutdownPhase startPhase(String name) {
		Thread thread = Thread.currentThread();
		return startPhase(name, () -> List.of(thread));
	}

	/**
	 * Start a phase.
	 * @param name the phase name
	 * @param holders the threads whose stacks the watchdog logs if the phase hangs
	 * @return the running phase, to be ended by the caller
	 */
	public ShutdownPhase startPhase(String name, Supplier<Collection<Thread>> holders) {
		ShutdownPhase phase = new ShutdownPhase(this, name, this.clock.instant(), holders);
		synchronized (this.monitor) {
			this.running.put(name, phase);
		}
		logger.info("Graceful shutdown phase '" + name + "' started");
		for (ShutdownPhaseListener listener : this.listeners) {
			notify(listener, () -> listener.phaseStarted(name));
		}
		return phase;
	}

	/**
	 * Record a phase that had nothing to do.
	 * @param name the phase name
	 * @param reason why it was skipped, for the debug log
	 */
	public void skipPhase(String name, String reason) {
		if (logger.isDebugEnabled()) {
			logger.debug("Graceful shutdown phase '" + name + "' skipped: " + reason);
		}
		record(name, Duration.ZERO, ShutdownOutcome.SKIPPED);
	}

	void phaseEnded(ShutdownPhase phase, ShutdownOutcome outcome) {
		Duration duration = phase.elapsed();
		synchronized (this.monitor) {
			this.running.remove(phase.name(), phase);
			if (outcome == ShutdownOutcome.TIMED_OUT) {
				this.timedOut.add(phase);
			}
		}
		String message = "Graceful shutdown phase '" + phase.name() + "' ";
		switch (outcome) {
			case COMPLETED -> logger.info(message + "completed in " + duration.toMillis() + " ms");
			case TIMED_OUT -> logger.warn(message + "timed out after " + duration.toMillis() + " ms");
			case FAILED -> logger.warn(message + "failed after " + duration.toMillis() + " ms");
			case SKIPPED -> logger.info(message + "had nothing to do (" + duration.toMillis() + " ms)");
		}
		record(phase.name(), duration, outcome);
	}

	/**
	 * Complete the shutdown: time the {@link ShutdownPhaseNames#TOTAL total} and log the
	 * summary line. Phases still running have outlasted the time Spring waited for them,
	 * so they end as {@link ShutdownOutcome#TIMED_OUT timed out}. Does nothing if the
	 * shutdown has not begun (a context that failed to start stops its lifecycle beans
	 * without closing) or has already completed.
	 * @return the report of the shutdown
	 */
	public ShutdownReport complete() {
		endRunningPhases();
		return finish(false);
	}

	ShutdownReport budgetExceeded() {
		endRunningPhases();
		return finish(true);
	}

	private void endRunningPhases() {
		List<ShutdownPhase> stuck;
		synchronized (this.monitor) {
			stuck = new ArrayList<>(this.running.values());
		}
		stuck.forEach((phase) -> phase.end(ShutdownOutcome.TIMED_OUT));
	}

	private ShutdownReport finish(boolean timedOut) {
		Instant startedAt = this.startedAt;
		synchronized (this.monitor) {
			if (startedAt == null || this.completed) {
				return getReport();
			}
			this.completed = true;
		}
		Duration total = Duration.between(startedAt, this.clock.instant());
		ShutdownOutcome outcome = timedOut ? ShutdownOutcome.TIMED_OUT : overallOutcome();
		record(ShutdownPhaseNames.TOTAL, total, outcome);
		ShutdownReport report = getReport();
		String message = "Graceful shutdown " + outcome.tagValue().replace('_', ' ') + " in " + total.toMillis()
				+ " ms (budget " + this.timeout.toMillis() + " ms): " + report.summary();
		if (outcome == ShutdownOutcome.COMPLETED) {
			logger.info(message);
		}
		else {
			logger.warn(message);
		}
		return report;
	}

	private ShutdownOutcome overallOutcome() {
		synchronized (this.monitor) {
			if (this.ended.stream().anyMatch((phase) -> phase.outcome() == ShutdownOutcome.TIMED_OUT)) {
				return ShutdownOutcome.TIMED_OUT;
			}
			if (this.ended.stream().anyMatch((phase) -> phase.outcome() == ShutdownOutcome.FAILED)) {
				return ShutdownOutcome.FAILED;
			}
			return ShutdownOutcome.COMPLETED;
		}
	}

	/**
	 * Return the report of the phases that have ended so far.
	 * @return the current report
	 */
	public ShutdownReport getReport() {
		Instant startedAt = this.startedAt;
		synchronized (this.monitor) {
			return new ShutdownReport((startedAt != null) ? startedAt : this.clock.instant(), this.timeout, this.ended);
		}
	}

	/**
	 * Return the phases that have started and not yet ended, in the order they started.
	 * @return the running phases
	 */
	public List<ShutdownPhase> runningPhases() {
		synchronized (this.monitor) {
			return List.copyOf(this.running.values());
		}
	}

	List<ShutdownPhase> timedOutPhases() {
		synchronized (this.monitor) {
			return List.copyOf(this.timedOut);
		}
	}

	@Nullable Thread closingThread() {
		synchronized (this.monitor) {
			return this.closingThread;
		}
	}

	@Nullable Thread watchdogThread() {
		synchronized (this.monitor) {
			return (this.watchdog != null) ? this.watchdog.thread() : null;
		}
	}

	Clock clock() {
		return this.clock;
	}

	private void record(String name, Duration duration, ShutdownOutcome outcome) {
		synchronized (this.monitor) {
			this.ended.add(new ShutdownReport.Phase(name, duration, outcome));
		}
		for (ShutdownPhaseListener listener : this.listeners) {
			notify(listener, () -> listener.phaseEnded(name, duration, outcome));
		}
	}

	private void notify(ShutdownPhaseListener listener, Runnable callback) {
		try {
			callback.run();
		}
		catch (Throwable ex) {
			logger.warn("Shutdown phase listener " + listener.getClass().getName() + " failed", ex);
		}
	}

}
