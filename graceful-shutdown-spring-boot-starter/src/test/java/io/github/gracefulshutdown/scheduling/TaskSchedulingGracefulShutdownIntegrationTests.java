package io.github.gracefulshutdown.scheduling;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the scheduling phase with real schedulers and executors in a real
 * application context.
 */
@ExtendWith(OutputCaptureExtension.class)
class TaskSchedulingGracefulShutdownIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(GracefulShutdownAutoConfiguration.class, TaskSchedulingAutoConfiguration.class,
						TaskExecutionAutoConfiguration.class, LifecycleAutoConfiguration.class))
		.withPropertyValues("graceful-shutdown.timeout=30s", "graceful-shutdown.propagation-delay=0",
				"graceful-shutdown.force-exit.on-timeout=false", "graceful-shutdown.force-exit.on-second-signal=false")
		.withUserConfiguration(ListenerConfiguration.class);

	@Test
	void runningScheduledTaskCompletesBeforeThePhaseEnds() {
		this.contextRunner.withUserConfiguration(BlockingScheduledTaskConfiguration.class).run((context) -> {
			BlockingTask task = context.getBean(BlockingTask.class);
			RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
			assertThat(task.started.await(30, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Void> closed = closeAsync(context);
			awaitPhaseHeldOpen(listener, closed);
			assertThat(task.finished).isFalse();
			task.release.countDown();
			closed.get(30, TimeUnit.SECONDS);
			assertThat(task.finished).isTrue();
			assertThat(task.interrupted).isFalse();
			assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
				.isEqualTo(ShutdownOutcome.COMPLETED);
		});
	}

	@ParameterizedTest(name = "await-termination={0}")
	@ValueSource(booleans = { false, true })
	void noNewRunStartsAfterTheTriggersStopped(boolean awaitTermination) {
		this.contextRunner.withUserConfiguration(RepeatingTasksConfiguration.class)
			.withPropertyValues("spring.task.scheduling.pool.size=3",
					"spring.task.scheduling.shutdown.await-termination=" + awaitTermination)
			.run((context) -> {
				BlockingTask blocking = context.getBean(BlockingTask.class);
				RepeatingTasks tasks = context.getBean(RepeatingTasks.class);
				RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
				AtomicInteger fixedRateRunsAtStop = new AtomicInteger(-1);
				AtomicInteger cronRunsAtStop = new AtomicInteger(-1);
				listener.onStarted((phase) -> {
					if (ShutdownPhaseNames.SCHEDULING.equals(phase)) {
						fixedRateRunsAtStop.set(tasks.fixedRateRuns.get());
						cronRunsAtStop.set(tasks.cronRuns.get());
					}
				});
				assertThat(blocking.started.await(30, TimeUnit.SECONDS)).isTrue();
				await().atMost(WAIT).until(() -> tasks.fixedRateRuns.get() > 1 && tasks.cronRuns.get() > 0);
				// Close right after a cron run, so that the next one is due well after
				// the stop: any later run is one that should not have happened
				int cronRuns = tasks.cronRuns.get();
				await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> tasks.cronRuns.get() > cronRuns);
				CompletableFuture<Void> closed = closeAsync(context);
				listener.started(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS);
				// Longer than the cron period: without the stop, both tasks would
				// run again
				await().during(Duration.ofMillis(2500))
					.atMost(Duration.ofSeconds(10))
					.until(() -> tasks.cronRuns.get() == cronRunsAtStop.get()
							&& tasks.fixedRateRuns.get() <= fixedRateRunsAtStop.get() + 1);
				assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING)).isNotDone();
				blocking.release.countDown();
				closed.get(30, TimeUnit.SECONDS);
				assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
					.isEqualTo(ShutdownOutcome.COMPLETED);
				assertThat(tasks.cronRuns).hasValue(cronRunsAtStop.get());
				// A run that had already been handed to a thread when the stop came may
				// start just after it
				assertThat(tasks.fixedRateRuns.get()).isBetween(fixedRateRunsAtStop.get(),
						fixedRateRunsAtStop.get() + 1);
			});
	}

	@Test
	void scheduledTaskLongerThanTheTimeoutIsInterrupted(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(BlockingScheduledTaskConfiguration.class)
			.withPropertyValues("graceful-shutdown.scheduling.timeout=1s")
			.run((context) -> {
				BlockingTask task = context.getBean(BlockingTask.class);
				RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
				assertThat(task.started.await(30, TimeUnit.SECONDS)).isTrue();
				long start = System.nanoTime();
				context.close();
				Duration closing = Duration.ofNanos(System.nanoTime() - start);
				assertThat(closing).isLessThan(Duration.ofSeconds(1 + 10));
				assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
					.isEqualTo(ShutdownOutcome.TIMED_OUT);
				await().atMost(WAIT).untilTrue(task.interrupted);
				assertThat(task.finished).isFalse();
				assertThat(task.thread.get()).startsWith("scheduling-");
				await().atMost(WAIT)
					.until(() -> output.getOut()
						.contains("Scheduled or asynchronous tasks still running at the end of the scheduling phase in "
								+ "threads '" + task.thread.get() + "'"));
			});
	}

	@Test
	void runningTasksOfSimpleAsyncTaskSchedulerComplete() {
		this.contextRunner.withUserConfiguration(SimpleAsyncTaskSchedulerConfiguration.class).run((context) -> {
			BlockingTask fixedRate = context.getBean("fixedRateTask", BlockingTask.class);
			BlockingTask fixedDelay = context.getBean("fixedDelayTask", BlockingTask.class);
			RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
			assertThat(fixedRate.started.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(fixedDelay.started.await(30, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Void> closed = closeAsync(context);
			awaitPhaseHeldOpen(listener, closed);
			fixedRate.release.countDown();
			fixedDelay.release.countDown();
			closed.get(30, TimeUnit.SECONDS);
			assertThat(fixedRate.finished).isTrue();
			assertThat(fixedRate.interrupted).isFalse();
			assertThat(fixedDelay.finished).isTrue();
			assertThat(fixedDelay.interrupted).isFalse();
			assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
				.isEqualTo(ShutdownOutcome.COMPLETED);
		});
	}

	@Test
	void runningAsyncTaskOnThreadPoolTaskExecutorCompletesBeforeThePhaseEnds() {
		this.contextRunner.withUserConfiguration(AsyncTaskConfiguration.class).run((context) -> {
			BlockingTask task = context.getBean(BlockingTask.class);
			RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
			context.getBean(AsyncTask.class).run();
			assertThat(task.started.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(task.thread.get()).startsWith("task-");
			CompletableFuture<Void> closed = closeAsync(context);
			awaitPhaseHeldOpen(listener, closed);
			assertThat(task.finished).isFalse();
			task.release.countDown();
			closed.get(30, TimeUnit.SECONDS);
			assertThat(task.finished).isTrue();
			assertThat(task.interrupted).isFalse();
			assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
				.isEqualTo(ShutdownOutcome.COMPLETED);
		});
	}

	@Test
	void runningAsyncTaskOnSimpleAsyncTaskExecutorIsAwaitedWhenTheExecutorIsClosed() {
		this.contextRunner.withUserConfiguration(SimpleAsyncTaskExecutorConfiguration.class).run((context) -> {
			BlockingTask task = context.getBean(BlockingTask.class);
			RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
			context.getBean(AsyncTask.class).run();
			assertThat(task.started.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(task.thread.get()).startsWith("async-");
			CompletableFuture<Void> closed = closeAsync(context);
			// Not observable by the phase: the executor waits when it is destroyed
			assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
				.isEqualTo(ShutdownOutcome.SKIPPED);
			listener.ended(ShutdownPhaseNames.TOTAL).get(30, TimeUnit.SECONDS);
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> !closed.isDone());
			task.release.countDown();
			closed.get(30, TimeUnit.SECONDS);
			assertThat(task.finished).isTrue();
			assertThat(task.interrupted).isFalse();
		});
	}

	private static CompletableFuture<Void> closeAsync(AssertableApplicationContext context) {
		CompletableFuture<Void> closed = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				context.close();
				closed.complete(null);
			}
			catch (Throwable ex) {
				closed.completeExceptionally(ex);
			}
		}, "test-close");
		thread.start();
		return closed;
	}

	private static void awaitPhaseHeldOpen(RecordingPhaseListener listener, CompletableFuture<Void> closed)
			throws Exception {
		listener.started(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS);
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(10))
			.until(() -> !listener.ended(ShutdownPhaseNames.SCHEDULING).isDone() && !closed.isDone());
	}

	/**
	 * A task that blocks until released and records how it ended.
	 */
	static class BlockingTask {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicBoolean finished = new AtomicBoolean();

		final AtomicBoolean interrupted = new AtomicBoolean();

		final AtomicReference<String> thread = new AtomicReference<>();

		void block() {
			this.thread.set(Thread.currentThread().getName());
			this.started.countDown();
			try {
				if (this.release.await(30, TimeUnit.SECONDS)) {
					this.finished.set(true);
				}
			}
			catch (InterruptedException ex) {
				this.interrupted.set(true);
				Thread.currentThread().interrupt();
			}
		}

	}

	/**
	 * A scheduled task that runs once, at startup, and blocks.
	 */
	static class ScheduledBlockingTask extends BlockingTask {

		@Scheduled(fixedDelay = 1, timeUnit = TimeUnit.DAYS)
		void run() {
			block();
		}

	}

	/**
	 * A scheduled task that runs once, at startup, and blocks, through a trigger.
	 */
	static class FixedRateBlockingTask extends BlockingTask {

		@Scheduled(fixedRate = 1, timeUnit = TimeUnit.DAYS)
		void run() {
			block();
		}

	}

	/**
	 * An asynchronous task that blocks. The bean is a proxy, so its state is in a
	 * {@link BlockingTask} of its own.
	 */
	static class AsyncTask {

		private final BlockingTask state;

		AsyncTask(BlockingTask state) {
			this.state = state;
		}

		@Async
		void run() {
			this.state.block();
		}

	}

	/**
	 * Scheduled tasks that count their runs.
	 */
	static class RepeatingTasks {

		final AtomicInteger fixedRateRuns = new AtomicInteger();

		final AtomicInteger cronRuns = new AtomicInteger();

		@Scheduled(fixedRate = 100)
		void fixedRate() {
			this.fixedRateRuns.incrementAndGet();
		}

		@Scheduled(cron = "*/2 * * * * *")
		void cron() {
			this.cronRuns.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@Bean
		RecordingPhaseListener recordingPhaseListener() {
			return new RecordingPhaseListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class BlockingScheduledTaskConfiguration {

		@Bean
		ScheduledBlockingTask blockingTask() {
			return new ScheduledBlockingTask();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(BlockingScheduledTaskConfiguration.class)
	static class RepeatingTasksConfiguration {

		@Bean
		RepeatingTasks repeatingTasks() {
			return new RepeatingTasks();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SimpleAsyncTaskSchedulerConfiguration {

		@Bean
		SimpleAsyncTaskScheduler taskScheduler() {
			SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
			scheduler.setThreadNamePrefix("simple-scheduling-");
			return scheduler;
		}

		@Bean
		FixedRateBlockingTask fixedRateTask() {
			return new FixedRateBlockingTask();
		}

		@Bean
		ScheduledBlockingTask fixedDelayTask() {
			return new ScheduledBlockingTask();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncTaskConfiguration {

		@Bean
		BlockingTask asyncTaskState() {
			return new BlockingTask();
		}

		@Bean
		AsyncTask asyncTask(BlockingTask asyncTaskState) {
			return new AsyncTask(asyncTaskState);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(AsyncTaskConfiguration.class)
	static class SimpleAsyncTaskExecutorConfiguration {

		@Bean
		SimpleAsyncTaskExecutor applicationTaskExecutor() {
			return new SimpleAsyncTaskExecutor("async-");
		}

	}

}
