package io.github.gracefulshutdown.scheduling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.ShutdownRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.log.LogMessage;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Stops the triggers of the task schedulers and waits for running scheduled and
 * asynchronous tasks, as phase {@link ShutdownPhaseNames#SCHEDULING}.
 */
final class TaskSchedulingShutdownParticipant implements ShutdownParticipant {

	private static final Log logger = LogFactory.getLog(TaskSchedulingShutdownParticipant.class);

	private static final String THREAD_NAME = "graceful-shutdown-scheduling";

	private static final long POLL_MILLIS = 50;

	private final Supplier<List<Object>> executors;

	private final Duration timeout;

	TaskSchedulingShutdownParticipant(Supplier<List<Object>> executors, Duration timeout) {
		this.executors = executors;
		this.timeout = timeout;
	}

	@Override
	public String getPhase() {
		return ShutdownPhaseNames.SCHEDULING;
	}

	@Override
	public Duration getTimeout() {
		return this.timeout;
	}

	@Override
	public void stop(ShutdownRequest request) {
		Targets targets = new Targets(this.executors.get());
		if (targets.isEmpty()) {
			logger.debug("No task scheduler or thread pool task executor to stop");
			request.skipped();
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug(LogMessage.format("Stopping %d task scheduler(s) and waiting for %d task executor(s)",
					targets.schedulers.size() + targets.simpleSchedulers.size(), targets.executors.size()));
		}
		targets.stopTriggers();
		Thread thread = new Thread(() -> targets.await(request), THREAD_NAME);
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public Collection<Thread> getThreads() {
		return new Targets(this.executors.get()).busyThreads();
	}

	private static long remainingMillis(ShutdownRequest request) {
		return request.remaining().toMillis();
	}

	/**
	 * The schedulers and executors of one stop, and how to stop and await them.
	 */
	private static final class Targets {

		private final List<ThreadPoolTaskScheduler> schedulers = new ArrayList<>();

		private final List<SimpleAsyncTaskScheduler> simpleSchedulers = new ArrayList<>();

		private final List<ThreadPoolTaskExecutor> executors = new ArrayList<>();

		private final CountDownLatch fixedDelayTasks;

		Targets(List<Object> beans) {
			for (Object bean : beans) {
				if (bean instanceof ThreadPoolTaskScheduler scheduler) {
					this.schedulers.add(scheduler);
				}
				else if (bean instanceof SimpleAsyncTaskScheduler scheduler) {
					this.simpleSchedulers.add(scheduler);
				}
				else if (bean instanceof ThreadPoolTaskExecutor executor) {
					this.executors.add(executor);
				}
			}
			this.fixedDelayTasks = new CountDownLatch(this.simpleSchedulers.size());
		}

		boolean isEmpty() {
			return this.schedulers.isEmpty() && this.simpleSchedulers.isEmpty() && this.executors.isEmpty();
		}

		void stopTriggers() {
			for (ThreadPoolTaskScheduler scheduler : this.schedulers) {
				// Spring Boot's schedulers are usually shut down already, except
				// those configured to await termination, which would keep firing
				// until destruction
				scheduler.getScheduledExecutor().shutdown();
			}
			for (SimpleAsyncTaskScheduler scheduler : this.simpleSchedulers) {
				// Pauses the triggers; calls back once the fixed-delay tasks are done
				// (they run on the scheduler's own thread, which close() interrupts)
				scheduler.stop(this.fixedDelayTasks::countDown);
			}
		}

		void await(ShutdownRequest request) {
			try {
				boolean finished = this.fixedDelayTasks.await(remainingMillis(request), TimeUnit.MILLISECONDS);
				finished = closeSimpleSchedulers(request) && finished;
				finished = awaitSchedulers(request) && finished;
				finished = awaitExecutors(request) && finished;
				if (finished) {
					request.completed();
				}
				else {
					interruptSchedulers();
					request.timedOut();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				logger.warn("Interrupted while waiting for scheduled and asynchronous tasks to finish");
				request.failed();
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to wait for scheduled and asynchronous tasks to finish", ex);
				request.failed();
			}
		}

		private boolean closeSimpleSchedulers(ShutdownRequest request) {
			for (SimpleAsyncTaskScheduler scheduler : this.simpleSchedulers) {
				// Cancels the triggers, then waits up to its task termination timeout
				// (the scheduling timeout) for running tasks and interrupts those left
				scheduler.close();
			}
			// The termination timeout is not shorter than the time left, so a close()
			// that returned before the deadline saw its tasks finish. When tasks hang,
			// close() may return after the deadline: the phase has timed out by then
			return this.simpleSchedulers.isEmpty() || remainingMillis(request) > 0;
		}

		private boolean awaitSchedulers(ShutdownRequest request) throws InterruptedException {
			boolean terminated = true;
			for (ThreadPoolTaskScheduler scheduler : this.schedulers) {
				terminated = scheduler.getScheduledExecutor()
					.awaitTermination(remainingMillis(request), TimeUnit.MILLISECONDS) && terminated;
			}
			return terminated;
		}

		private boolean awaitExecutors(ShutdownRequest request) throws InterruptedException {
			while (this.executors.stream().anyMatch(Targets::isBusy)) {
				long remaining = remainingMillis(request);
				if (remaining <= 0) {
					return false;
				}
				Thread.sleep(Math.min(remaining, POLL_MILLIS));
			}
			return true;
		}

		private void interruptSchedulers() {
			List<Thread> busy = busyThreads();
			logger.warn("Scheduled or asynchronous tasks still running at the end of the scheduling phase"
					+ (busy.isEmpty() ? "" : " in threads " + names(busy))
					+ "; interrupting the tasks of the task schedulers");
			for (ThreadPoolTaskScheduler scheduler : this.schedulers) {
				for (Runnable remaining : scheduler.getScheduledExecutor().shutdownNow()) {
					if (remaining instanceof Future<?> future) {
						future.cancel(true);
					}
				}
			}
		}

		List<Thread> busyThreads() {
			Set<String> prefixes = new LinkedHashSet<>();
			for (ThreadPoolTaskScheduler scheduler : this.schedulers) {
				if (!scheduler.getScheduledExecutor().isTerminated()) {
					prefixes.add(scheduler.getThreadNamePrefix());
				}
			}
			for (SimpleAsyncTaskScheduler scheduler : this.simpleSchedulers) {
				prefixes.add(scheduler.getThreadNamePrefix());
			}
			for (ThreadPoolTaskExecutor executor : this.executors) {
				if (isBusy(executor)) {
					prefixes.add(executor.getThreadNamePrefix());
				}
			}
			prefixes.remove("");
			if (prefixes.isEmpty()) {
				return List.of();
			}
			return Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.isAlive() && prefixes.stream().anyMatch(thread.getName()::startsWith))
				.sorted(Comparator.comparing(Thread::getName))
				.toList();
		}

		private static boolean isBusy(ThreadPoolTaskExecutor executor) {
			return executor.getActiveCount() > 0 || executor.getQueueSize() > 0;
		}

		private static String names(List<Thread> threads) {
			return threads.stream().map((thread) -> "'" + thread.getName() + "'").collect(Collectors.joining(", "));
		}

	}

}
