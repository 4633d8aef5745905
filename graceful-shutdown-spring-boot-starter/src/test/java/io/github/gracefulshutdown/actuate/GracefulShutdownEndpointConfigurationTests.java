package io.github.gracefulshutdown.actuate;

import java.time.Duration;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhase;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.BudgetDescriptor;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.ConfigurationDescriptor;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.ForceExitDescriptor;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.GracefulShutdownDescriptor;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.PhaseDescriptor;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.RunningPhaseDescriptor;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link GracefulShutdownEndpointConfiguration} and the
 * {@link GracefulShutdownEndpoint} it adds.
 */
class GracefulShutdownEndpointConfigurationTests {

	private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations
		.of(GracefulShutdownAutoConfiguration.class, LifecycleAutoConfiguration.class);

	private static final String EXPOSED = "management.endpoints.web.exposure.include=gracefulshutdown";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AUTO_CONFIGURATIONS);

	private final WebApplicationContextRunner webContextRunner = new WebApplicationContextRunner()
		.withConfiguration(AUTO_CONFIGURATIONS);

	@Test
	void endpointIsAvailableWhenExposed() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.run((context) -> assertThat(context).hasSingleBean(GracefulShutdownEndpoint.class));
	}

	@Test
	void endpointIsNotAvailableWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ShutdownCoordinator.class)
			.doesNotHaveBean(GracefulShutdownEndpoint.class));
	}

	@Test
	void endpointIsNotAvailableWhenAccessIsNone() {
		this.contextRunner.withPropertyValues(EXPOSED, "management.endpoint.gracefulshutdown.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(GracefulShutdownEndpoint.class));
	}

	@Test
	void endpointIsNotAddedWithoutActuator() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ShutdownCoordinator.class)
				.doesNotHaveBean(GracefulShutdownEndpoint.class));
	}

	@Test
	void endpointIsNotAddedWithoutActuatorAutoConfiguration() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ShutdownCoordinator.class)
				.doesNotHaveBean(GracefulShutdownEndpoint.class));
	}

	@Test
	void endpointIsNotAddedWhenGracefulShutdownIsDisabled() {
		this.contextRunner.withPropertyValues(EXPOSED, "graceful-shutdown.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(GracefulShutdownEndpoint.class));
	}

	@Test
	void whenUserDefinesEndpointThenAutoConfigurationBacksOff() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(GracefulShutdownEndpoint.class)
				.getBean(GracefulShutdownEndpoint.class)
				.isSameAs(context.getBean("userEndpoint")));
	}

	@Test
	void endpointDescribesTheEffectiveConfiguration() {
		this.contextRunner
			.withPropertyValues(EXPOSED, "graceful-shutdown.timeout=20s", "graceful-shutdown.propagation-delay=4s",
					"graceful-shutdown.kafka.timeout=6s", "graceful-shutdown.force-exit.on-timeout=false",
					"graceful-shutdown.force-exit.on-second-signal=false",
					"graceful-shutdown.propagation-quiet-period=500ms", "graceful-shutdown.propagation-min-delay=1s",
					"spring.lifecycle.timeout-per-shutdown-phase=10s")
			.run((context) -> {
				GracefulShutdownDescriptor descriptor = context.getBean(GracefulShutdownEndpoint.class)
					.gracefulShutdown(null);
				assertThat(descriptor.state()).isEqualTo("running");
				assertThat(descriptor.configuration()).isEqualTo(new ConfigurationDescriptor(20000, 4000, 500L, 1000,
						6000, 8000, 15000, 1000, new ForceExitDescriptor(false, false)));
				assertThat(descriptor.budget())
					.isEqualTo(new BudgetDescriptor(16000, true, true, true, 10000, true, 22, null, null));
				assertThat(descriptor.inFlightRequests()).isNull();
				assertThat(descriptor.shutdown()).isNull();
			});
	}

	@Test
	void budgetIsCheckedAgainstAGivenGracePeriod() {
		this.contextRunner.withPropertyValues(EXPOSED, "graceful-shutdown.propagation-delay=5s").run((context) -> {
			GracefulShutdownEndpoint endpoint = context.getBean(GracefulShutdownEndpoint.class);
			BudgetDescriptor fits = endpoint.gracefulShutdown(30L).budget();
			assertThat(fits.minimumGracePeriodSeconds()).isEqualTo(27);
			assertThat(fits.gracePeriodSeconds()).isEqualTo(30);
			assertThat(fits.fitsInGracePeriod()).isTrue();
			assertThat(endpoint.gracefulShutdown(26L).budget().fitsInGracePeriod()).isFalse();
			// Spring Boot's default of 30s per phase is longer than the 19s phase timeout
			assertThat(fits.lifecycleTimeoutPerShutdownPhaseMillis()).isEqualTo(30000);
			assertThat(fits.lifecycleTimeoutPerShutdownPhaseFits()).isFalse();
		});
	}

	@Test
	void endpointFollowsTheShutdown() {
		this.contextRunner.withPropertyValues(EXPOSED).run((context) -> {
			GracefulShutdownEndpoint endpoint = context.getBean(GracefulShutdownEndpoint.class);
			ShutdownCoordinator coordinator = context.getBean(ShutdownCoordinator.class);
			coordinator.begin(() -> true);
			coordinator.signalReceived("SIGTERM");
			coordinator.startPhase(ShutdownPhaseNames.READINESS).end(ShutdownOutcome.COMPLETED);
			ShutdownPhase propagation = coordinator.startPhase(ShutdownPhaseNames.PROPAGATION);
			GracefulShutdownDescriptor propagating = endpoint.gracefulShutdown(null);
			assertThat(propagating.state()).isEqualTo("propagating");
			assertThat(propagating.shutdown()).isNotNull().satisfies((shutdown) -> {
				assertThat(shutdown.signal()).isEqualTo("SIGTERM");
				assertThat(shutdown.remainingMillis()).isPositive().isLessThanOrEqualTo(25000);
				assertThat(shutdown.runningPhases()).extracting(RunningPhaseDescriptor::name)
					.containsExactly("propagation");
				assertThat(shutdown.phases()).extracting(PhaseDescriptor::name, PhaseDescriptor::outcome)
					.containsExactly(tuple("readiness", "completed"));
			});
			propagation.end(ShutdownOutcome.COMPLETED);
			assertThat(endpoint.gracefulShutdown(null).state()).isEqualTo("draining");
			coordinator.complete();
			GracefulShutdownDescriptor stopped = endpoint.gracefulShutdown(null);
			assertThat(stopped.state()).isEqualTo("stopped");
			assertThat(stopped.shutdown()).isNotNull().satisfies((shutdown) -> {
				assertThat(shutdown.remainingMillis()).isNull();
				assertThat(shutdown.runningPhases()).isEmpty();
				assertThat(shutdown.phases()).extracting(PhaseDescriptor::name)
					.containsExactly("readiness", "propagation", "total");
			});
		});
	}

	@Test
	void endpointCountsInFlightRequestsOfAServletWebApplication() {
		this.webContextRunner.withPropertyValues(EXPOSED)
			.run((context) -> assertThat(
					context.getBean(GracefulShutdownEndpoint.class).gracefulShutdown(null).inFlightRequests())
				.isZero());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		GracefulShutdownEndpoint userEndpoint(ShutdownCoordinator coordinator, ShutdownBudget budget,
				ObjectProvider<InFlightRequests> inFlightRequests) {
			return new GracefulShutdownEndpoint(coordinator, budget, new GracefulShutdownProperties(), true,
					Duration.ofSeconds(30), inFlightRequests.getIfUnique());
		}

	}

}
