package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Daemon thread armed at the start of the shutdown. If the application has not finished
 * closing when the budget is used up, it logs the phases still running with the stacks of
 * the threads holding them, then halts the JVM with
 * {@link GracefulShutdownExitCodes#BUDGET_EXCEEDED}.
 */
final class ShutdownWatchdog implements Runnable {

	private static final Log logger = LogFactory.getLog(ShutdownWatchdog.class);

	private static final long POLL_MILLIS = 50;

	// How long the halt waits for the report: the report logs and calls the phase
	// listeners, which a stalled appender or listener can block, and a grace period
	// (terminationGracePeriodSeconds) is only a little longer than the budget
	private static final long REPORT_MILLIS = 1000;

	private final ShutdownCoordinator coordinator;

	private final Instant deadline;

	private final BooleanSupplier closed;

	private final boolean halt;

	private final IntConsumer halter;

	private final Clock clock;

	private volatile @Nullable Thread thread;

	ShutdownWatchdog(ShutdownCoordinator coordinator, Instant deadline, BooleanSupplier closed, boolean halt,
			IntConsumer halter, Clock clock) {
		this.coordinator = coordinator;
		this.deadline = deadline;
		this.closed = closed;
		this.halt = halt;
		this.halter = halter;
		this.clock = clock;
	}

	void start() {
		Thread thread = new Thread(this, "graceful-shutdown-watchdog");
		thread.setDaemon(true);
		this.thread = thread;
		thread.start();
	}

	@Nullable Thread thread() {
		return this.thread;
	}

	@Override
	public void run() {
		try {
			while (!this.closed.getAsBoolean()) {
				long remaining = Duration.between(this.clock.instant(), this.deadline).toMillis();
				if (remaining <= 0) {
					expire();
					return;
				}
				Thread.sleep(Math.min(remaining, POLL_MILLIS));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// Halts even when the report fails or hangs: nothing may keep the JVM from exiting
	private void expire() throws InterruptedException {
		if (!this.halt) {
			report();
			return;
		}
		Thread reporter = new Thread(this::report, "graceful-shutdown-watchdog-report");
		reporter.setDaemon(true);
		try {
			reporter.start();
			reporter.join(REPORT_MILLIS);
		}
		finally {
			this.halter.accept(GracefulShutdownExitCodes.BUDGET_EXCEEDED);
		}
	}

	private void report() {
		List<ShutdownPhase> running = this.coordinator.runningPhases();
		Set<Thread> holders = new LinkedHashSet<>();
		StringBuilder message = new StringBuilder("Graceful shutdown exceeded its budget of ")
			.append(this.coordinator.getTimeout().toMillis())
			.append(" ms");
		for (ShutdownPhase phase : running) {
			message.append("; phase '")
				.append(phase.name())
				.append("' still running after ")
				.append(phase.elapsed().toMillis())
				.append(" ms");
			holders.addAll(phase.holders());
		}
		for (ShutdownPhase phase : this.coordinator.timedOutPhases()) {
			Collection<Thread> busy = phase.holders();
			if (!busy.isEmpty()) {
				message.append("; phase '")
					.append(phase.name())
					.append("' timed out after ")
					.append(phase.elapsed().toMillis())
					.append(" ms with ")
					.append(busy.size())
					.append(" thread(s) still busy");
				holders.addAll(busy);
			}
		}
		if (holders.isEmpty()) {
			message.append("; no phase of the starter is running, the application context is still closing");
		}
		Thread closingThread = this.coordinator.closingThread();
		if (closingThread != null) {
			holders.add(closingThread);
		}
		message.append(this.halt ? ". Halting the JVM with exit code " + GracefulShutdownExitCodes.BUDGET_EXCEEDED
				: ". Force exit is disabled, the JVM keeps waiting");
		for (Thread thread : holders) {
			appendStack(message, thread);
		}
		logger.error(message);
		this.coordinator.budgetExceeded();
	}

	private void appendStack(StringBuilder message, Thread thread) {
		message.append(System.lineSeparator())
			.append('"')
			.append(thread.getName())
			.append("\" ")
			.append(thread.getState());
		for (StackTraceElement element : thread.getStackTrace()) {
			message.append(System.lineSeparator()).append("\tat ").append(element);
		}
	}

}
