package io.github.gracefulshutdown.scheduling;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.ShutdownRequest;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TaskSchedulingGracefulShutdownConfiguration}.
 */
class TaskSchedulingGracefulShutdownConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(GracefulShutdownAutoConfiguration.class, TaskSchedulingAutoConfiguration.class,
						TaskExecutionAutoConfiguration.class, LifecycleAutoConfiguration.class))
		.withPropertyValues("graceful-shutdown.propagation-delay=0", "graceful-shutdown.force-exit.on-timeout=false",
				"graceful-shutdown.force-exit.on-second-signal=false");

	@Test
	void participantIsAddedByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TaskSchedulingShutdownParticipant.class)
			.hasBean("gracefulShutdownSchedulingParticipant")
			.hasBean("gracefulShutdownSchedulingPostProcessor"));
	}

	@Test
	void participantTimeoutIsTheSchedulingTimeout() {
		this.contextRunner.withPropertyValues("graceful-shutdown.scheduling.timeout=3s")
			.run((context) -> assertThat(context.getBean(TaskSchedulingShutdownParticipant.class))
				.satisfies((participant) -> {
					assertThat(participant.getPhase()).isEqualTo(ShutdownPhaseNames.SCHEDULING);
					assertThat(participant.getTimeout()).isEqualTo(Duration.ofSeconds(3));
				}));
	}

	@Test
	void participantWhenSchedulingDisabledIsNotAdded() {
		this.contextRunner.withPropertyValues("graceful-shutdown.scheduling.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskSchedulingShutdownParticipant.class)
				.doesNotHaveBean("gracefulShutdownSchedulingPostProcessor"));
	}

	@Test
	void participantWhenGracefulShutdownDisabledIsNotAdded() {
		this.contextRunner.withPropertyValues("graceful-shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskSchedulingShutdownParticipant.class)
				.doesNotHaveBean("gracefulShutdownSchedulingPostProcessor"));
	}

	@Test
	void whenUserDefinesParticipantThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserParticipantConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(TaskSchedulingShutdownParticipant.class)
				.getBean("gracefulShutdownSchedulingParticipant")
				.isInstanceOf(UserParticipant.class));
	}

	@Test
	void threadPoolTaskSchedulerDropsPendingOneShotExecutionsOnShutdown() {
		this.contextRunner.withUserConfiguration(SchedulingConfiguration.class).run((context) -> {
			ThreadPoolTaskScheduler scheduler = context.getBean(ThreadPoolTaskScheduler.class);
			assertThat(scheduler.getScheduledThreadPoolExecutor().getExecuteExistingDelayedTasksAfterShutdownPolicy())
				.isFalse();
		});
	}

	@Test
	void simpleAsyncTaskExecutorsWaitForTheirTasksForTheSchedulingTimeout() {
		this.contextRunner.withUserConfiguration(SimpleAsyncConfiguration.class)
			.withPropertyValues("graceful-shutdown.scheduling.timeout=7s")
			.run((context) -> {
				assertThat(ReflectionTestUtils.getField(context.getBean("simpleAsyncTaskExecutor"),
						"taskTerminationTimeout"))
					.isEqualTo(7000L);
				assertThat(ReflectionTestUtils.getField(context.getBean(SimpleAsyncTaskScheduler.class),
						"taskTerminationTimeout"))
					.isEqualTo(7000L);
			});
	}

	@Test
	void phaseIsSkippedWithoutSchedulerOrExecutorAndLazyExecutorIsNotCreated() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(GracefulShutdownAutoConfiguration.class, LifecycleAutoConfiguration.class))
			.withPropertyValues("graceful-shutdown.propagation-delay=0",
					"graceful-shutdown.force-exit.on-timeout=false",
					"graceful-shutdown.force-exit.on-second-signal=false")
			.withUserConfiguration(ListenerConfiguration.class, LazyExecutorConfiguration.class)
			.run((context) -> {
				RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
				AtomicBoolean lazyExecutorCreated = context.getBean("lazyExecutorCreated", AtomicBoolean.class);
				context.close();
				assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
					.isEqualTo(ShutdownOutcome.SKIPPED);
				assertThat(lazyExecutorCreated).isFalse();
			});
	}

	@Test
	void phaseCompletesAtOnceWhenExecutorsAreIdle() {
		// Spring's lifecycle processor creates Spring Boot's lazy applicationTaskExecutor
		// at startup, since it is a SmartLifecycle
		this.contextRunner.withUserConfiguration(ListenerConfiguration.class).run((context) -> {
			RecordingPhaseListener listener = context.getBean(RecordingPhaseListener.class);
			context.close();
			assertThat(listener.ended(ShutdownPhaseNames.SCHEDULING).get(30, TimeUnit.SECONDS))
				.isEqualTo(ShutdownOutcome.COMPLETED);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserParticipantConfiguration {

		@Bean
		UserParticipant gracefulShutdownSchedulingParticipant() {
			return new UserParticipant();
		}

	}

	static class UserParticipant implements ShutdownParticipant {

		@Override
		public String getPhase() {
			return ShutdownPhaseNames.SCHEDULING;
		}

		@Override
		public void stop(ShutdownRequest request) {
			request.completed();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class SimpleAsyncConfiguration {

		@Bean
		SimpleAsyncTaskExecutor simpleAsyncTaskExecutor() {
			return new SimpleAsyncTaskExecutor();
		}

		@Bean
		SimpleAsyncTaskScheduler simpleAsyncTaskScheduler() {
			return new SimpleAsyncTaskScheduler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyExecutorConfiguration {

		@Bean
		AtomicBoolean lazyExecutorCreated() {
			return new AtomicBoolean();
		}

		@Bean
		@Lazy
		SimpleAsyncTaskExecutor lazyExecutor(AtomicBoolean lazyExecutorCreated) {
			lazyExecutorCreated.set(true);
			return new SimpleAsyncTaskExecutor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@Bean
		RecordingPhaseListener recordingPhaseListener() {
			return new RecordingPhaseListener();
		}

	}

}
