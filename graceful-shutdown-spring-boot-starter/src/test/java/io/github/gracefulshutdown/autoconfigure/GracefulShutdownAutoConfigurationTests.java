package io.github.gracefulshutdown.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.MonotonicClock;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownMarkerLifecycle;
import io.github.gracefulshutdown.ShutdownParticipants;
import io.github.gracefulshutdown.ShutdownPhaseListener;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.ShutdownSignal;
import io.github.gracefulshutdown.SignalForceExit;
import io.github.gracefulshutdown.readiness.PropagationDelayListener;
import io.github.gracefulshutdown.readiness.ReadinessGuard;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GracefulShutdownAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulShutdownAutoConfigurationTests {

	private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(
			GracefulShutdownAutoConfiguration.class, LifecycleAutoConfiguration.class,
			ApplicationAvailabilityAutoConfiguration.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AUTO_CONFIGURATIONS);

	private final WebApplicationContextRunner webContextRunner = new WebApplicationContextRunner()
		.withConfiguration(AUTO_CONFIGURATIONS);

	@Test
	void coreBeansAreAddedByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ShutdownCoordinator.class)
			.hasSingleBean(ShutdownBudget.class)
			.hasSingleBean(PropagationDelayListener.class)
			.hasSingleBean(ReadinessGuard.class)
			.hasSingleBean(SignalForceExit.class)
			.hasBean("gracefulShutdownComplete")
			.hasBean("gracefulShutdownPhaseTimeoutsPostProcessor")
			.hasBean("gracefulShutdownPhaseTimeouts")
			.doesNotHaveBean("gracefulShutdownRequestFilter"));
	}

	@Test
	void shutdownIsTimedWithTheMonotonicClock() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(ShutdownCoordinator.class)).extracting("clock")
				.isSameAs(MonotonicClock.system());
			assertThat(context.getBean(ShutdownSignal.class)).extracting("clock").isSameAs(MonotonicClock.system());
		});
		this.contextRunner.withConfiguration(AutoConfigurations.of(ShutdownSignalFallbackAutoConfiguration.class))
			.withPropertyValues("graceful-shutdown.enabled=false")
			.run((context) -> assertThat(context.getBean(ShutdownSignal.class)).extracting("clock")
				.isSameAs(MonotonicClock.system()));
	}

	@Test
	void warnsAtStartupAboutAnH2DatabaseThatClosesItselfAtSigterm(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:h2:file:./target/orders")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("spring.datasource.url=jdbc:h2:file:./target/orders lets H2 close the database");
	}

	@Test
	void webBeansAreAddedToAServletWebApplication() {
		this.webContextRunner.run((context) -> assertThat(context).hasSingleBean(ShutdownCoordinator.class)
			.hasBean("gracefulShutdownRequestFilter")
			.hasBean("gracefulShutdownHttpDrainStart")
			.hasBean("gracefulShutdownHttpDrain"));
	}

	@Test
	void whenDisabledTheShutdownSignalIsStillThereAndFiresWhenTheContextCloses() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(ShutdownSignalFallbackAutoConfiguration.class))
			.withBean(SignalUser.class)
			.withPropertyValues("graceful-shutdown.enabled=false", "spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(ShutdownSignal.class)
					.doesNotHaveBean(ShutdownCoordinator.class);
				ShutdownSignal signal = context.getBean(SignalUser.class).signal;
				assertThat(signal.isShutdownRequested()).isFalse();
				context.close();
				assertThat(signal.isShutdownRequested()).isTrue();
				assertThat(signal.remaining()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
			});
	}

	@Test
	void whenEnabledTheFallbackAddsNothing() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(ShutdownSignalFallbackAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(ShutdownSignal.class)
				.doesNotHaveBean("gracefulShutdownSignalOnClose"));
	}

	@Test
	void nothingIsAddedWhenDisabled() {
		this.webContextRunner.withPropertyValues("graceful-shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ShutdownCoordinator.class)
				.doesNotHaveBean(GracefulShutdownProperties.class)
				.doesNotHaveBean(PropagationDelayListener.class)
				.doesNotHaveBean(ReadinessGuard.class)
				.doesNotHaveBean(SignalForceExit.class)
				.doesNotHaveBean(ShutdownMarkerLifecycle.class)
				.doesNotHaveBean("gracefulShutdownPhaseTimeoutsPostProcessor")
				.doesNotHaveBean("gracefulShutdownRequestFilter")
				.doesNotHaveBean("gracefulShutdownSchedulingParticipant")
				.doesNotHaveBean("gracefulShutdownMeterListener"));
	}

	// The parts (web, Kafka, scheduling, metrics, endpoint) are imported by it
	@Test
	void theStarterRegistersOneAutoConfigurationAndTheSignalsFallback() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.filteredOn((name) -> name.startsWith("io.github.gracefulshutdown."))
			.containsExactly(GracefulShutdownAutoConfiguration.class.getName(),
					ShutdownSignalFallbackAutoConfiguration.class.getName());
	}

	@Test
	void whenUserDefinesCoordinatorThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserCoordinatorConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ShutdownCoordinator.class)
				.getBean(ShutdownCoordinator.class)
				.isSameAs(context.getBean("userCoordinator")));
	}

	@Test
	void whenUserDefinesRequestFilterThenAutoConfigurationBacksOff() {
		this.webContextRunner.withUserConfiguration(UserRequestFilterConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("gracefulShutdownHttpDrainStart")
				.getBean("gracefulShutdownRequestFilter")
				.isEqualTo("user"));
	}

	@Test
	void secondSignalForceExitIsInstalledWithLazyInitialization() {
		this.contextRunner
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> {
				assertThat(context.getBeanFactory().containsSingleton("gracefulShutdownSignalForceExit")).isTrue();
				assertThat(context.getBean(SignalForceExit.class).isInstalled()).isTrue();
			});
	}

	@Test
	void secondSignalForceExitCanBeDisabled() {
		this.contextRunner.withPropertyValues("graceful-shutdown.force-exit.on-second-signal=false")
			.run((context) -> assertThat(context).hasSingleBean(ShutdownCoordinator.class)
				.doesNotHaveBean(SignalForceExit.class));
	}

	@Test
	void worksWithoutMicrometer() {
		this.webContextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ShutdownCoordinator.class)
				.hasBean("gracefulShutdownRequestFilter")
				.doesNotHaveBean("gracefulShutdownMeterListener"));
	}

	@Test
	void worksWithoutTomcat() {
		this.webContextRunner.withClassLoader(new FilteredClassLoader(Tomcat.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ShutdownCoordinator.class)
				.hasBean("gracefulShutdownRequestFilter"));
	}

	@Test
	void worksWithoutActuator() {
		this.webContextRunner
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ShutdownCoordinator.class)
				.hasSingleBean(PropagationDelayListener.class));
	}

	@Test
	void worksWithoutServletApi() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("jakarta.servlet", "org.springframework.web"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ShutdownCoordinator.class)
				.doesNotHaveBean("gracefulShutdownRequestFilter"));
	}

	@Test
	void shutdownPhaseTimeoutsAreSetFromTheBudget() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=20s", "graceful-shutdown.propagation-delay=4s",
					"spring.lifecycle.timeout-per-shutdown-phase=3s")
			.run((context) -> {
				DefaultLifecycleProcessor processor = context.getBean(DefaultLifecycleProcessor.class);
				assertThat(shutdownTimeout(processor, Integer.MAX_VALUE - 1024)).isEqualTo(15000);
				assertThat(shutdownTimeout(processor, Integer.MAX_VALUE - 50)).isEqualTo(15000);
				assertThat(shutdownTimeout(processor, Integer.MAX_VALUE - 1025)).isEqualTo(15000);
				assertThat(shutdownTimeout(processor, Integer.MAX_VALUE)).isEqualTo(3000);
			});
	}

	@Test
	void shutdownPhaseTimeoutsGetTheBudgetLeftWhenTheDelayIsSkipped() {
		// The application never reported ACCEPTING_TRAFFIC: no delay, so the phases after
		// it have the budget left less the close reserve (about 20 - 1 s), not the
		// 20 - 4 - 1 s set at startup
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=20s", "graceful-shutdown.propagation-delay=4s",
					"graceful-shutdown.force-exit.on-timeout=false")
			.run((context) -> {
				DefaultLifecycleProcessor processor = context.getBean(DefaultLifecycleProcessor.class);
				ShutdownCoordinator coordinator = context.getBean(ShutdownCoordinator.class);
				context.close();
				assertThat(coordinator.getReport().summary()).contains("propagation=0ms skipped");
				assertThat(shutdownTimeout(processor, GracefulShutdownPhases.HTTP_DRAIN_END)).isGreaterThan(16000L)
					.isLessThanOrEqualTo(19000L);
				assertThat(shutdownTimeout(processor, GracefulShutdownPhases.WORKERS_STOP)).isGreaterThan(16000L)
					.isLessThanOrEqualTo(19000L);
			});
	}

	@Test
	void childContextBacksOffAndClosingItLeavesTheParentsShutdownAlone() {
		this.contextRunner.withPropertyValues("graceful-shutdown.force-exit.on-timeout=false").run((parent) -> {
			ShutdownCoordinator coordinator = parent.getBean(ShutdownCoordinator.class);
			ConfigurableApplicationContext child = new SpringApplicationBuilder(HierarchyConfiguration.class)
				.web(WebApplicationType.NONE)
				.parent(parent)
				.run("--spring.main.banner-mode=off");
			try {
				assertThat(child.getBeanNamesForType(ShutdownBudget.class)).isEmpty();
				assertThat(child.getBeanNamesForType(ShutdownParticipants.class)).isEmpty();
				// The parent's signal still reaches the child's workers
				assertThat(child.getBean(ShutdownSignal.class)).isSameAs(parent.getBean(ShutdownSignal.class));
			}
			finally {
				child.close();
			}
			assertThat(coordinator.isShuttingDown()).isFalse();
			assertThat(coordinator.getReport().phases()).isEmpty();
		});
	}

	@Test
	void childContextIsClosedAfterTheParentsPropagationDelay() {
		AtomicReference<ConfigurableApplicationContext> child = new AtomicReference<>();
		Map<String, Boolean> childActiveAtPhaseEnd = new ConcurrentHashMap<>();
		ShutdownPhaseListener listener = (phase, duration, outcome) -> childActiveAtPhaseEnd.put(phase,
				child.get().isActive());
		ConfigurableApplicationContext parent = new SpringApplicationBuilder(HierarchyConfiguration.class)
			.web(WebApplicationType.NONE)
			.initializers((context) -> context.getBeanFactory().registerSingleton("recordingListener", listener))
			.run("--spring.main.banner-mode=off", "--graceful-shutdown.propagation-delay=500ms",
					"--graceful-shutdown.force-exit.on-timeout=false");
		try {
			child.set(new SpringApplicationBuilder(HierarchyConfiguration.class).web(WebApplicationType.NONE)
				.parent(parent)
				.run("--spring.main.banner-mode=off"));
			AvailabilityChangeEvent.publish(parent, ReadinessState.ACCEPTING_TRAFFIC);
		}
		finally {
			parent.close();
		}
		assertThat(childActiveAtPhaseEnd).containsEntry(ShutdownPhaseNames.PROPAGATION, true);
		assertThat(child.get().isActive()).isFalse();
	}

	@Test
	void nonWebApplicationRefusesTrafficWhenClosed() {
		this.contextRunner.run((context) -> {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			ShutdownCoordinator coordinator = context.getBean(ShutdownCoordinator.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
			context.close();
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			assertThat(coordinator.getReport().summary()).contains("readiness=")
				.contains("propagation=0ms skipped")
				.contains("total=");
		});
	}

	private static long shutdownTimeout(DefaultLifecycleProcessor processor, int phase) {
		Long timeout = ReflectionTestUtils.invokeMethod(processor, "determineShutdownTimeout", phase);
		assertThat(timeout).isNotNull();
		return timeout;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCoordinatorConfiguration {

		@Bean
		ShutdownCoordinator userCoordinator() {
			return new ShutdownCoordinator(Duration.ofSeconds(10), false, List.of(), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRequestFilterConfiguration {

		@Bean
		String gracefulShutdownRequestFilter() {
			return "user";
		}

	}

	static class SignalUser {

		final ShutdownSignal signal;

		SignalUser(ShutdownSignal signal) {
			this.signal = signal;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ GracefulShutdownAutoConfiguration.class, LifecycleAutoConfiguration.class,
			ApplicationAvailabilityAutoConfiguration.class })
	static class HierarchyConfiguration {

	}

}
