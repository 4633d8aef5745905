package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;

/**
 * The effective timing of the shutdown, resolved from {@link GracefulShutdownProperties}
 * and checked for consistency: the propagation delay must leave part of the budget for
 * the phases after it, and the Kafka and scheduling timeouts must fit in that part.
 *
 * @param timeout the total budget
 * @param propagationDelay the effective propagation delay
 * @param kafkaTimeout the effective bound on the Kafka phase
 * @param schedulingTimeout the effective bound on the scheduling phase
 * @since 0.1.0
 */
public record ShutdownBudget(Duration timeout, Duration propagationDelay, Duration kafkaTimeout,
		Duration schedulingTimeout) {

	/**
	 * Propagation delay used when none is configured and a cloud platform is detected (or
	 * half the timeout, if that is shorter).
	 */
	public static final Duration CLOUD_PLATFORM_PROPAGATION_DELAY = Duration.ofSeconds(5);

	/**
	 * Most of the budget kept back from the phases after the delay for closing the rest
	 * of the application.
	 */
	public static final Duration CLOSE_RESERVE = Duration.ofSeconds(1);

	/**
	 * Time a grace period must leave beyond the timeout: the budget starts a little after
	 * the signal (signal delivery, shutdown hook) and the JVM needs a little after it to
	 * log and halt or exit.
	 */
	public static final Duration GRACE_PERIOD_MARGIN = Duration.ofSeconds(2);

	/**
	 * Create a budget, checking that its parts fit in the timeout.
	 * @param timeout the total budget
	 * @param propagationDelay the effective propagation delay
	 * @param kafkaTimeout the effective bound on the Kafka phase
	 * @param schedulingTimeout the effective bound on the scheduling phase
	 * @throws InvalidShutdownConfigurationException if a part does not fit
	 */
	public ShutdownBudget {
		if (propagationDelay.compareTo(timeout) >= 0) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.propagation-delay",
					DurationFormat.print(propagationDelay),
					"the propagation delay must be shorter than 'graceful-shutdown.timeout' ("
							+ DurationFormat.print(timeout) + "), so that the phases after it have time to run",
					DurationFormat.print(suggestedDelay(timeout)) + " (or raise 'graceful-shutdown.timeout')");
		}
		checkFits("graceful-shutdown.kafka.timeout", kafkaTimeout, timeout, propagationDelay);
		checkFits("graceful-shutdown.scheduling.timeout", schedulingTimeout, timeout, propagationDelay);
	}

	/**
	 * Create a budget with the default Kafka and scheduling timeouts.
	 * @param timeout the total budget
	 * @param propagationDelay the effective propagation delay
	 */
	public ShutdownBudget(Duration timeout, Duration propagationDelay) {
		this(timeout, propagationDelay, half(timeout.minus(propagationDelay)), half(timeout.minus(propagationDelay)));
	}

	/**
	 * Return the time left for the phases after the propagation delay.
	 * @return the budget after the delay
	 */
	public Duration afterPropagation() {
		return this.timeout.minus(this.propagationDelay);
	}

	/**
	 * Return how long the lifecycle phases after the propagation delay (the HTTP drain
	 * among them) may wait: the budget after the delay less the {@link #closeReserve()},
	 * so that a drain that overruns gives up before the deadline and the web server stop
	 * and bean destruction can still end in time.
	 * @return the timeout of the phases after the delay
	 */
	public Duration phaseTimeout() {
		return afterPropagation().minus(closeReserve());
	}

	/**
	 * Return the part of the budget kept back for closing the rest of the application: a
	 * tenth of the budget after the delay, at most {@link #CLOSE_RESERVE}.
	 * @return the close reserve
	 */
	public Duration closeReserve() {
		Duration tenth = divide(afterPropagation(), 10);
		return (tenth.compareTo(CLOSE_RESERVE) < 0) ? tenth : CLOSE_RESERVE;
	}

	/**
	 * Return the shortest grace period (such as a pod's
	 * {@code terminationGracePeriodSeconds}) that the shutdown fits in: the timeout plus
	 * the {@link #GRACE_PERIOD_MARGIN}.
	 * @return the minimum grace period
	 */
	public Duration minimumGracePeriod() {
		return this.timeout.plus(GRACE_PERIOD_MARGIN);
	}

	/**
	 * Return whether the shutdown ends within a grace period, before the platform kills
	 * the process.
	 * @param gracePeriod the grace period, for example a pod's
	 * {@code terminationGracePeriodSeconds}
	 * @return {@code true} if the grace period is at least the
	 * {@link #minimumGracePeriod()}
	 */
	public boolean fitsIn(Duration gracePeriod) {
		return gracePeriod.compareTo(minimumGracePeriod()) >= 0;
	}

	/**
	 * Resolve the budget of an application.
	 * @param properties the configured properties
	 * @param environment the environment, to detect the cloud platform
	 * @return the effective budget
	 * @throws InvalidShutdownConfigurationException if the configuration is inconsistent
	 */
	public static ShutdownBudget of(GracefulShutdownProperties properties, Environment environment) {
		Duration timeout = properties.getTimeout();
		Duration delay = properties.getPropagationDelay();
		if (delay == null) {
			delay = (CloudPlatform.getActive(environment) != null) ? cloudPlatformDelay(timeout) : Duration.ZERO;
		}
		checkAdaptiveDelay(properties, delay);
		Duration afterPropagation = timeout.minus(delay);
		return new ShutdownBudget(timeout, delay, orHalf(properties.getKafka().getTimeout(), afterPropagation),
				orHalf(properties.getScheduling().getTimeout(), afterPropagation));
	}

	// Checked against the effective delay, and only when there is one: a quiet period
	// set for Kubernetes must not fail a local start where the delay defaults to zero
	private static void checkAdaptiveDelay(GracefulShutdownProperties properties, Duration delay) {
		if (delay.isZero()) {
			return;
		}
		Duration minDelay = properties.getPropagationMinDelay();
		if (minDelay.compareTo(delay) > 0) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.propagation-min-delay",
					DurationFormat.print(minDelay),
					"the minimum propagation delay must not be longer than the propagation delay ("
							+ DurationFormat.print(delay) + ")",
					DurationFormat.print(half(delay)) + " (or raise 'graceful-shutdown.propagation-delay')");
		}
		Duration quietPeriod = properties.getPropagationQuietPeriod();
		if (quietPeriod != null && quietPeriod.compareTo(delay) >= 0) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.propagation-quiet-period",
					DurationFormat.print(quietPeriod),
					"the quiet period must be shorter than the propagation delay (" + DurationFormat.print(delay)
							+ "), or the delay could never end early",
					DurationFormat.print(divide(delay, 5)) + " (or raise 'graceful-shutdown.propagation-delay')");
		}
	}

	private static void checkFits(String key, Duration phaseTimeout, Duration timeout, Duration propagationDelay) {
		Duration afterPropagation = timeout.minus(propagationDelay);
		if (!afterPropagation.isNegative() && phaseTimeout.compareTo(afterPropagation) > 0) {
			throw new InvalidShutdownConfigurationException(key, DurationFormat.print(phaseTimeout),
					"the phase must fit in the budget left after the propagation delay ('graceful-shutdown.timeout' "
							+ DurationFormat.print(timeout) + " - 'graceful-shutdown.propagation-delay' "
							+ DurationFormat.print(propagationDelay) + " = " + DurationFormat.print(afterPropagation)
							+ ")",
					DurationFormat.print(half(afterPropagation)) + " (or leave it unset for half of "
							+ DurationFormat.print(afterPropagation) + ")");
		}
	}

	private static Duration orHalf(@Nullable Duration configured, Duration afterPropagation) {
		return (configured != null) ? configured : half(afterPropagation);
	}

	private static Duration half(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : divide(duration, 2);
	}

	private static Duration cloudPlatformDelay(Duration timeout) {
		Duration half = divide(timeout, 2);
		return (CLOUD_PLATFORM_PROPAGATION_DELAY.compareTo(half) < 0) ? CLOUD_PLATFORM_PROPAGATION_DELAY : half;
	}

	private static Duration suggestedDelay(Duration timeout) {
		Duration fifth = divide(timeout, 5);
		return (fifth.toSeconds() > 0) ? Duration.ofSeconds(fifth.toSeconds()) : fifth;
	}

	// Duration.dividedBy goes through BigDecimal, which costs milliseconds of startup
	// time in a JVM that has not used it yet
	private static Duration divide(Duration duration, int divisor) {
		if (duration.isNegative()) {
			return duration.dividedBy(divisor);
		}
		long seconds = duration.getSeconds();
		return Duration.ofSeconds(seconds / divisor,
				((seconds % divisor) * 1_000_000_000L + duration.getNano()) / divisor);
	}

}
