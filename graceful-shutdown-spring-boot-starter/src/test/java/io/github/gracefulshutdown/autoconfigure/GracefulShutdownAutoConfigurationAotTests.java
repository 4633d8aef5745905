package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;
import java.util.function.Consumer;

import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownReport;
import io.github.gracefulshutdown.ShutdownSignal;
import io.github.gracefulshutdown.SignalForceExit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.context.support.GenericWebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GracefulShutdownAutoConfiguration} processed ahead of time (Spring
 * AOT, as {@code spring-boot:process-aot} does at build time): the generated code starts
 * a context whose close runs the graceful shutdown.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulShutdownAutoConfigurationAotTests {

	private static final String[] PROPERTIES = { "graceful-shutdown.timeout=7s",
			"graceful-shutdown.force-exit.on-timeout=false" };

	// The switches of the parts the application context of these tests has, each set at
	// run time only
	private static final String[] SWITCHED_OFF = { "graceful-shutdown.enabled=false",
			"graceful-shutdown.force-exit.on-second-signal=false", "graceful-shutdown.kafka.enabled=false",
			"graceful-shutdown.scheduling.enabled=false", "graceful-shutdown.metrics.enabled=false",
			"graceful-shutdown.metrics.defer-registry-close=false" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(GracefulShutdownAutoConfiguration.class, LifecycleAutoConfiguration.class,
						ApplicationAvailabilityAutoConfiguration.class, TaskSchedulingAutoConfiguration.class))
		.withUserConfiguration(MeterRegistryConfiguration.class)
		.withPropertyValues(PROPERTIES);

	private final WebApplicationContextRunner webContextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulShutdownAutoConfiguration.class,
				LifecycleAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class))
		.withPropertyValues(PROPERTIES);

	@Test
	@CompileWithForkedClassLoader
	void theGeneratedContextRunsTheShutdown() {
		this.contextRunner
			.prepare((context) -> runAheadOfTime(context, new GenericApplicationContext(), (aotContext) -> {
				ShutdownCoordinator coordinator = aotContext.getBean(ShutdownCoordinator.class);
				MeterRegistry registry = aotContext.getBean(MeterRegistry.class);
				assertThat(coordinator.getTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(aotContext.getBeanNamesForType(SignalForceExit.class)).hasSize(1);
				assertThat(aotContext.getBeansOfType(SmartLifecycle.class)).containsKeys(
						"gracefulShutdownParticipantsStop", "gracefulShutdownParticipantsAwait",
						"gracefulShutdownComplete", "gracefulShutdownMeterRegistryCloseDeferral");
				aotContext.close();
				ShutdownReport report = coordinator.getReport();
				assertThat(report.phases()).extracting(ShutdownReport.Phase::name)
					.contains("readiness", "scheduling", "total");
				assertThat(report.phases()).extracting(ShutdownReport.Phase::outcome)
					.doesNotContain(ShutdownOutcome.FAILED, ShutdownOutcome.TIMED_OUT);
				assertThat(registry.get("shutdown.phase.duration")
					.tags("phase", "total", "outcome", "completed")
					.timer()
					.count()).isOne();
			}));
	}

	@Test
	@CompileWithForkedClassLoader
	void theGeneratedServletWebContextHasTheWebParts() {
		this.webContextRunner.prepare((context) -> runAheadOfTime(context,
				new GenericWebApplicationContext(new MockServletContext()), (aotContext) -> {
					ShutdownCoordinator coordinator = aotContext.getBean(ShutdownCoordinator.class);
					assertThat(aotContext.containsBean("gracefulShutdownRequestFilter")).isTrue();
					assertThat(aotContext.getBeansOfType(SmartLifecycle.class)).containsKeys(
							"gracefulShutdownHttpDrainStart", "gracefulShutdownHttpDrain",
							"gracefulShutdownLongLivedConnections");
					aotContext.close();
					assertThat(coordinator.getReport().phases()).extracting(ShutdownReport.Phase::name)
						.contains("http", "total");
				}));
	}

	@Test
	@CompileWithForkedClassLoader
	void switchesSetOnlyAtRunTimeAreReportedAsWithoutEffect(CapturedOutput output) {
		this.contextRunner.prepare((context) -> runAheadOfTime(context, new GenericApplicationContext(), SWITCHED_OFF,
				(aotContext) -> assertThat(aotContext.getBeanNamesForType(SignalForceExit.class)).hasSize(1)));
		assertThat(output).contains("graceful-shutdown.enabled=false has no effect")
			.contains("graceful-shutdown.force-exit.on-second-signal=false has no effect")
			.contains("graceful-shutdown.kafka.enabled=false has no effect")
			.contains("graceful-shutdown.scheduling.enabled=false has no effect")
			.contains("graceful-shutdown.metrics.enabled=false has no effect")
			.contains("graceful-shutdown.metrics.defer-registry-close=false has no effect");
	}

	@Test
	@CompileWithForkedClassLoader
	void longLivedRequestsSetOnlyAtRunTimeIsReportedAsWithoutEffect(CapturedOutput output) {
		this.webContextRunner.prepare((context) -> runAheadOfTime(context,
				new GenericWebApplicationContext(new MockServletContext()),
				new String[] { "graceful-shutdown.web.long-lived-requests=wait" },
				(aotContext) -> assertThat(aotContext.containsBean("gracefulShutdownLongLivedConnections")).isTrue()));
		assertThat(output).contains("graceful-shutdown.web.long-lived-requests=wait has no effect")
			.contains("so the end of long-lived requests stays on");
	}

	@Test
	@CompileWithForkedClassLoader
	void switchesThatAgreeWithTheBuildAreNotReported(CapturedOutput output) {
		this.contextRunner.prepare((context) -> runAheadOfTime(context, new GenericApplicationContext(),
				new String[] { "graceful-shutdown.enabled=TRUE", "graceful-shutdown.kafka.enabled=true" },
				(aotContext) -> assertThat(aotContext.containsBean("gracefulShutdownKafkaParticipant")).isTrue()));
		assertThat(output).doesNotContain("has no effect");
	}

	@Test
	@CompileWithForkedClassLoader
	void switchedOffAtBuildTimeIsReportedWhenTheRunTimeDoesNotSwitchItOff(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GracefulShutdownAutoConfiguration.class,
					ShutdownSignalFallbackAutoConfiguration.class, LifecycleAutoConfiguration.class))
			.withPropertyValues("graceful-shutdown.enabled=false")
			.prepare((context) -> runAheadOfTime(context, new GenericApplicationContext(),
					new String[] { "graceful-shutdown.enabled=true" }, (aotContext) -> {
						assertThat(aotContext.getBeanNamesForType(ShutdownCoordinator.class)).isEmpty();
						assertThat(aotContext.getBeanNamesForType(ShutdownSignal.class)).hasSize(1);
					}));
		assertThat(output).contains("The graceful shutdown is off: the application was processed ahead of time")
			.contains("so graceful-shutdown.enabled=true has no effect");
	}

	private void runAheadOfTime(ApplicationContextAssertProvider<?> prepared, GenericApplicationContext aotContext,
			Consumer<GenericApplicationContext> assertions) {
		runAheadOfTime(prepared, aotContext, new String[0], assertions);
	}

	// Processes the prepared context ahead of time, compiles the generated code, and
	// refreshes the given context from it, with the same properties and the given
	// run-time ones
	private void runAheadOfTime(ApplicationContextAssertProvider<?> prepared, GenericApplicationContext aotContext,
			String[] runTimeProperties, Consumer<GenericApplicationContext> assertions) {
		TestGenerationContext generationContext = new TestGenerationContext();
		ClassName initializerName = new ApplicationContextAotGenerator()
			.processAheadOfTime((GenericApplicationContext) prepared.getSourceApplicationContext(), generationContext);
		generationContext.writeGeneratedContent();
		TestCompiler.forSystem().with(generationContext).compile((compiled) -> {
			TestPropertyValues.of(PROPERTIES).and(runTimeProperties).applyTo(aotContext);
			@SuppressWarnings("unchecked")
			ApplicationContextInitializer<GenericApplicationContext> initializer = compiled
				.getInstance(ApplicationContextInitializer.class, initializerName.reflectionName());
			initializer.initialize(aotContext);
			aotContext.refresh();
			try {
				assertions.accept(aotContext);
			}
			finally {
				aotContext.close();
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
