package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for binding and validating {@link GracefulShutdownProperties}.
 */
class GracefulShutdownPropertiesBindingTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulShutdownAutoConfiguration.class));

	@Test
	void defaults() {
		this.contextRunner.run((context) -> {
			ShutdownBudget budget = context.getBean(ShutdownBudget.class);
			assertThat(budget.timeout()).isEqualTo(Duration.ofSeconds(25));
			assertThat(budget.propagationDelay()).isZero();
			GracefulShutdownProperties properties = context.getBean(GracefulShutdownProperties.class);
			assertThat(properties.getWeb().isConnectionClose()).isTrue();
			assertThat(properties.getForceExit().isOnTimeout()).isTrue();
			assertThat(properties.getMetrics().getBuckets()).hasSize(14).first().isEqualTo(Duration.ofMillis(100));
			assertThat(properties.getMetrics().getBuckets()).last().isEqualTo(Duration.ofSeconds(120));
		});
	}

	@Test
	void valuesAreBound() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=40s", "graceful-shutdown.propagation-delay=2s",
					"graceful-shutdown.web.connection-close=false", "graceful-shutdown.force-exit.on-timeout=false",
					"graceful-shutdown.metrics.buckets=1s,10s")
			.run((context) -> {
				ShutdownBudget budget = context.getBean(ShutdownBudget.class);
				assertThat(budget.timeout()).isEqualTo(Duration.ofSeconds(40));
				assertThat(budget.propagationDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(budget.afterPropagation()).isEqualTo(Duration.ofSeconds(38));
				assertThat(budget.phaseTimeout()).isEqualTo(Duration.ofSeconds(37));
				GracefulShutdownProperties properties = context.getBean(GracefulShutdownProperties.class);
				assertThat(properties.getWeb().isConnectionClose()).isFalse();
				assertThat(properties.getForceExit().isOnTimeout()).isFalse();
				assertThat(properties.getMetrics().getBuckets()).containsExactly(Duration.ofSeconds(1),
						Duration.ofSeconds(10));
			});
	}

	@Test
	void phaseTimeoutKeepsATenthOfAShortBudgetInReserve() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(4), Duration.ZERO);
		assertThat(budget.phaseTimeout()).isEqualTo(Duration.ofMillis(3600));
	}

	@Test
	void budgetFitsInAGracePeriodThatLeavesTheMargin() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(25), Duration.ofSeconds(5));
		assertThat(budget.minimumGracePeriod()).isEqualTo(Duration.ofSeconds(27));
		assertThat(budget.fitsIn(Duration.ofSeconds(30))).isTrue();
		assertThat(budget.fitsIn(Duration.ofSeconds(27))).isTrue();
		assertThat(budget.fitsIn(Duration.ofSeconds(26))).isFalse();
		assertThat(budget.fitsIn(Duration.ofSeconds(25))).isFalse();
	}

	@Test
	void propagationDelayDefaultsToFiveSecondsOnKubernetes() {
		this.contextRunner.withPropertyValues("spring.main.cloud-platform=kubernetes")
			.run((context) -> assertThat(context.getBean(ShutdownBudget.class).propagationDelay())
				.isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void propagationDelayDefaultOnKubernetesFitsInAShortTimeout() {
		this.contextRunner.withPropertyValues("spring.main.cloud-platform=kubernetes", "graceful-shutdown.timeout=4s")
			.run((context) -> assertThat(context.getBean(ShutdownBudget.class).propagationDelay())
				.isEqualTo(Duration.ofSeconds(2)));
	}

	@Test
	void explicitPropagationDelayWinsOnKubernetes() {
		this.contextRunner
			.withPropertyValues("spring.main.cloud-platform=kubernetes", "graceful-shutdown.propagation-delay=0s")
			.run((context) -> assertThat(context.getBean(ShutdownBudget.class).propagationDelay()).isZero());
	}

	@Test
	void zeroTimeoutFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.timeout=0s")
			.run((context) -> assertFailure(context, "graceful-shutdown.timeout", "0s", "must be positive", "25s"));
	}

	@Test
	void timeoutWithoutUnitFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.timeout=25")
			.run((context) -> assertFailure(context, "graceful-shutdown.timeout", "25ms",
					"a number without a unit is in milliseconds", "25s"));
	}

	@Test
	void negativeTimeoutFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.timeout=-5s")
			.run((context) -> assertFailure(context, "graceful-shutdown.timeout", "-5s", "must be positive", "25s"));
	}

	@Test
	void negativePropagationDelayFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.propagation-delay=-1s")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-delay", "-1s",
					"must not be negative", "5s"));
	}

	@Test
	void propagationDelayThatDoesNotFitInTheBudgetFailsStartup() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=25s", "graceful-shutdown.propagation-delay=30s")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-delay", "30s",
					"must be shorter than 'graceful-shutdown.timeout' (25s)", "5s"));
	}

	@Test
	void propagationDelayEqualToTheBudgetFailsStartup() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=10s", "graceful-shutdown.propagation-delay=10s")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-delay", "10s",
					"must be shorter than 'graceful-shutdown.timeout' (10s)", "2s"));
	}

	@Test
	void kafkaAndSchedulingTimeoutsDefaultToHalfTheBudgetAfterTheDelay() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=30s", "graceful-shutdown.propagation-delay=10s")
			.run((context) -> {
				ShutdownBudget budget = context.getBean(ShutdownBudget.class);
				assertThat(budget.kafkaTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(budget.schedulingTimeout()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void halvesOfAnOddBudgetAreExactToTheNanosecond() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=25001ms", "graceful-shutdown.propagation-delay=2000000001ns")
			.run((context) -> {
				ShutdownBudget budget = context.getBean(ShutdownBudget.class);
				Duration half = Duration.ofMillis(25001).minusNanos(2_000_000_001).dividedBy(2);
				assertThat(budget.kafkaTimeout()).isEqualTo(half).isEqualTo(Duration.ofNanos(11_500_499_999L));
				assertThat(budget.schedulingTimeout()).isEqualTo(half);
			});
	}

	@Test
	void kafkaTimeoutLongerThanTheBudgetAfterTheDelayFailsStartup() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.timeout=20s", "graceful-shutdown.propagation-delay=5s",
					"graceful-shutdown.kafka.timeout=16s")
			.run((context) -> assertFailure(context, "graceful-shutdown.kafka.timeout", "16s",
					"must fit in the budget left after the propagation delay", "7500ms"));
	}

	@Test
	void schedulingTimeoutLongerThanTheBudgetFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.scheduling.timeout=30s")
			.run((context) -> assertFailure(context, "graceful-shutdown.scheduling.timeout", "30s",
					"must fit in the budget left after the propagation delay", "12500ms"));
	}

	@Test
	void zeroKafkaTimeoutFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.kafka.timeout=0s")
			.run((context) -> assertFailure(context, "graceful-shutdown.kafka.timeout", "0s", "must be positive",
					"10s"));
	}

	@Test
	void adaptivePropagationDelayAndLongLivedRequestsAreBound() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.propagation-delay=10s",
					"graceful-shutdown.propagation-quiet-period=500ms", "graceful-shutdown.propagation-min-delay=2s",
					"graceful-shutdown.web.long-lived-requests=wait", "graceful-shutdown.web.async-grace-period=0s")
			.run((context) -> {
				GracefulShutdownProperties properties = context.getBean(GracefulShutdownProperties.class);
				assertThat(properties.getPropagationQuietPeriod()).isEqualTo(Duration.ofMillis(500));
				assertThat(properties.getPropagationMinDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getWeb().getLongLivedRequests())
					.isEqualTo(GracefulShutdownProperties.LongLivedRequests.WAIT);
				assertThat(properties.getWeb().getAsyncGracePeriod()).isZero();
			});
	}

	@Test
	void adaptivePropagationDelayAndLongLivedRequestsDefaults() {
		this.contextRunner.run((context) -> {
			GracefulShutdownProperties properties = context.getBean(GracefulShutdownProperties.class);
			assertThat(properties.getPropagationQuietPeriod()).isNull();
			assertThat(properties.getPropagationMinDelay()).isZero();
			assertThat(properties.getWeb().getLongLivedRequests())
				.isEqualTo(GracefulShutdownProperties.LongLivedRequests.COMPLETE);
			assertThat(properties.getWeb().getAsyncGracePeriod()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void negativeQuietPeriodFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.propagation-quiet-period=-1s")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-quiet-period", "-1s",
					"must be positive", "1s"));
	}

	@Test
	void zeroQuietPeriodFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.propagation-quiet-period=0")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-quiet-period", "0s",
					"leave it unset for a fixed propagation delay", "1s"));
	}

	@Test
	void negativeMinDelayFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.propagation-min-delay=-500ms")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-min-delay", "-500ms",
					"must not be negative", "0s"));
	}

	@Test
	void minDelayLongerThanTheDelayFailsStartup() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.propagation-delay=5s", "graceful-shutdown.propagation-min-delay=6s")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-min-delay", "6s",
					"must not be longer than the propagation delay (5s)", "2500ms"));
	}

	@Test
	void quietPeriodAsLongAsTheDelayFailsStartup() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.propagation-delay=5s",
					"graceful-shutdown.propagation-quiet-period=5s")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-quiet-period", "5s",
					"must be shorter than the propagation delay (5s)", "1s"));
	}

	@Test
	void quietPeriodIsCheckedAgainstTheCloudPlatformDelay() {
		this.contextRunner
			.withPropertyValues("spring.main.cloud-platform=kubernetes",
					"graceful-shutdown.propagation-quiet-period=8s")
			.run((context) -> assertFailure(context, "graceful-shutdown.propagation-quiet-period", "8s",
					"must be shorter than the propagation delay (5s)", "1s"));
	}

	@Test
	void quietPeriodWithoutADelayDoesNotFailStartup() {
		this.contextRunner
			.withPropertyValues("graceful-shutdown.propagation-quiet-period=1s",
					"graceful-shutdown.propagation-min-delay=2s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void negativeAsyncGracePeriodFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.web.async-grace-period=-1s")
			.run((context) -> assertFailure(context, "graceful-shutdown.web.async-grace-period", "-1s",
					"must not be negative", "2s"));
	}

	@Test
	void nonPositiveBucketFailsStartup() {
		this.contextRunner.withPropertyValues("graceful-shutdown.metrics.buckets=1s,0ms")
			.run((context) -> assertFailure(context, "graceful-shutdown.metrics.buckets", "0s", "must be positive",
					"100ms,1s,5s,30s,120s"));
	}

	private void assertFailure(AssertableApplicationContext context, String key, String value, String reason,
			String validValue) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new InvalidShutdownConfigurationFailureAnalyzer()
			.analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Property: " + key)
			.contains("Value: \"" + value + "\"")
			.contains(reason);
		assertThat(analysis.getAction()).contains("'" + key + "'").contains(validValue);
	}

}
