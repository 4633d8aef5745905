package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;

/**
 * The effective timing of the shutdown, resolved from {@link GracefulShutdownProperties}
 * and checked for consistency: the propagation delay must leave part of the budget for
 * the phases that follow it.
 *
 * @param timeout the total budget
 * @param propagationDelay the effective propagation delay
 * @since 0.1.0
 */
public record ShutdownBudget(Duration timeout, Duration propagationDelay) {

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
	 * Create a budget, checking that the delay fits in the timeout.
	 * @param timeout the total budget
	 * @param propagationDelay the effective propagation delay
	 * @throws InvalidShutdownConfigurationException if the delay does not fit
	 */
	public ShutdownBudget {
		if (propagationDelay.compareTo(timeout) >= 0) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.propagation-delay",
					DurationFormat.print(propagationDelay),
					"the propagation delay must be shorter than 'graceful-shutdown.timeout' ("
							+ DurationFormat.print(timeout) + "), so that the phases after it have time to run",
					DurationFormat.print(suggestedDelay(timeout)) + " (or raise 'graceful-shutdown.timeout')");
		}
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
	 * among them) may wait: the budget after the delay less a reserve of a tenth of it
	 * (at most {@link #CLOSE_RESERVE}), so that a drain that overruns gives up before the
	 * deadline and the web server stop and bean destruction can still end in time.
	 * @return the timeout of the phases after the delay
	 */
	public Duration phaseTimeout() {
		Duration afterPropagation = afterPropagation();
		Duration tenth = afterPropagation.dividedBy(10);
		return afterPropagation.minus((tenth.compareTo(CLOSE_RESERVE) < 0) ? tenth : CLOSE_RESERVE);
	}

	/**
	 * Resolve the budget of an application.
	 * @param properties the configured properties
	 * @param environment the environment, to detect the cloud platform
	 * @return the effective budget
	 * @throws InvalidShutdownConfigurationException if the configuration is inconsistent
	 */
	public static ShutdownBudget of(GracefulShutdownProperties properties, Environment environment) {
		Duration delay = properties.getPropagationDelay();
		if (delay == null) {
			delay = (CloudPlatform.getActive(environment) != null) ? cloudPlatformDelay(properties.getTimeout())
					: Duration.ZERO;
		}
		return new ShutdownBudget(properties.getTimeout(), delay);
	}

	private static Duration cloudPlatformDelay(Duration timeout) {
		Duration half = timeout.dividedBy(2);
		return (CLOUD_PLATFORM_PROPAGATION_DELAY.compareTo(half) < 0) ? CLOUD_PLATFORM_PROPAGATION_DELAY : half;
	}

	private static Duration suggestedDelay(Duration timeout) {
		Duration fifth = timeout.dividedBy(5);
		return (fifth.toSeconds() > 0) ? Duration.ofSeconds(fifth.toSeconds()) : fifth;
	}

}
