package io.github.gracefulshutdown.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownPhase;
import io.github.gracefulshutdown.ShutdownReport;
import io.github.gracefulshutdown.ShutdownState;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows the effective configuration of the graceful
 * shutdown, how its budget adds up, and where the application is in its shutdown: the
 * state, the in-flight requests, the phases running and the phases that have ended. It
 * answers during the propagation delay, while the application still serves.
 *
 * @since 0.1.0
 */
@Endpoint(id = "gracefulshutdown")
public class GracefulShutdownEndpoint {

	private final ShutdownCoordinator coordinator;

	private final ShutdownBudget budget;

	private final @Nullable Duration propagationQuietPeriod;

	private final Duration propagationMinDelay;

	private final ForceExitDescriptor forceExit;

	private final Duration lifecycleTimeoutPerShutdownPhase;

	private final @Nullable InFlightRequests inFlightRequests;

	/**
	 * Create a new endpoint.
	 * @param coordinator the shutdown coordinator
	 * @param budget the effective budget
	 * @param properties the configuration properties
	 * @param forceExitOnSecondSignal whether a second signal halts the JVM at once
	 * @param lifecycleTimeoutPerShutdownPhase the shutdown timeout of the lifecycle
	 * phases the starter does not own
	 * ({@code spring.lifecycle.timeout-per-shutdown-phase})
	 * @param inFlightRequests the in-flight HTTP requests, or {@code null} if this is not
	 * a servlet web application
	 */
	public GracefulShutdownEndpoint(ShutdownCoordinator coordinator, ShutdownBudget budget,
			GracefulShutdownProperties properties, boolean forceExitOnSecondSignal,
			Duration lifecycleTimeoutPerShutdownPhase, @Nullable InFlightRequests inFlightRequests) {
		this.coordinator = coordinator;
		this.budget = budget;
		this.propagationQuietPeriod = properties.getPropagationQuietPeriod();
		this.propagationMinDelay = properties.getPropagationMinDelay();
		this.forceExit = new ForceExitDescriptor(properties.getForceExit().isOnTimeout(), forceExitOnSecondSignal);
		this.lifecycleTimeoutPerShutdownPhase = lifecycleTimeoutPerShutdownPhase;
		this.inFlightRequests = inFlightRequests;
	}

	/**
	 * Describe the graceful shutdown.
	 * @param terminationGracePeriodSeconds a grace period to check the budget against,
	 * for example the pod's {@code terminationGracePeriodSeconds}, or {@code null}
	 * @return the description
	 */
	@ReadOperation
	public GracefulShutdownDescriptor gracefulShutdown(@Nullable Long terminationGracePeriodSeconds) {
		ShutdownState state = this.coordinator.getState();
		InFlightRequests inFlight = this.inFlightRequests;
		return new GracefulShutdownDescriptor(state.name().toLowerCase(Locale.ROOT), configuration(),
				budget(terminationGracePeriodSeconds), (inFlight != null) ? inFlight.count() : null,
				(state != ShutdownState.RUNNING) ? shutdown(state) : null);
	}

	private ConfigurationDescriptor configuration() {
		ShutdownBudget budget = this.budget;
		Duration quietPeriod = this.propagationQuietPeriod;
		return new ConfigurationDescriptor(budget.timeout().toMillis(), budget.propagationDelay().toMillis(),
				(quietPeriod != null) ? quietPeriod.toMillis() : null, this.propagationMinDelay.toMillis(),
				budget.kafkaTimeout().toMillis(), budget.schedulingTimeout().toMillis(),
				budget.phaseTimeout().toMillis(), budget.closeReserve().toMillis(), this.forceExit);
	}

	private BudgetDescriptor budget(@Nullable Long gracePeriodSeconds) {
		ShutdownBudget budget = this.budget;
		Duration afterPropagation = budget.afterPropagation();
		Duration minimumGracePeriod = budget.minimumGracePeriod();
		long minimumGracePeriodSeconds = minimumGracePeriod.toSeconds()
				+ ((minimumGracePeriod.toNanosPart() > 0) ? 1 : 0);
		return new BudgetDescriptor(afterPropagation.toMillis(),
				budget.propagationDelay().compareTo(budget.timeout()) < 0,
				budget.kafkaTimeout().compareTo(afterPropagation) <= 0,
				budget.schedulingTimeout().compareTo(afterPropagation) <= 0,
				this.lifecycleTimeoutPerShutdownPhase.toMillis(),
				this.lifecycleTimeoutPerShutdownPhase.compareTo(budget.phaseTimeout()) <= 0, minimumGracePeriodSeconds,
				gracePeriodSeconds,
				(gracePeriodSeconds != null) ? budget.fitsIn(Duration.ofSeconds(gracePeriodSeconds)) : null);
	}

	private ShutdownDescriptor shutdown(ShutdownState state) {
		ShutdownReport report = this.coordinator.getReport();
		List<RunningPhaseDescriptor> running = this.coordinator.runningPhases()
			.stream()
			.map(GracefulShutdownEndpoint::running)
			.toList();
		List<PhaseDescriptor> ended = report.phases()
			.stream()
			.map((phase) -> new PhaseDescriptor(phase.name(), phase.duration().toMillis(), phase.outcome().tagValue()))
			.toList();
		Long remaining = (state != ShutdownState.STOPPED) ? this.coordinator.remaining().toMillis() : null;
		return new ShutdownDescriptor(report.startedAt().toString(), this.coordinator.getSignal(), remaining, running,
				ended);
	}

	private static RunningPhaseDescriptor running(ShutdownPhase phase) {
		return new RunningPhaseDescriptor(phase.name(), phase.elapsed().toMillis());
	}

	/**
	 * Description of the graceful shutdown.
	 *
	 * @param state {@code running}, {@code propagating}, {@code draining} or
	 * {@code stopped}
	 * @param configuration the effective configuration
	 * @param budget how the budget adds up
	 * @param inFlightRequests the HTTP requests in flight, this one included, or
	 * {@code null} if this is not a servlet web application
	 * @param shutdown the shutdown under way, or {@code null} before it begins
	 */
	public record GracefulShutdownDescriptor(String state, ConfigurationDescriptor configuration,
			BudgetDescriptor budget, @Nullable Integer inFlightRequests,
			@Nullable ShutdownDescriptor shutdown) implements OperationResponseBody {

	}

	/**
	 * Description of the effective configuration, with defaults resolved.
	 *
	 * @param timeoutMillis the total budget ({@code graceful-shutdown.timeout})
	 * @param propagationDelayMillis the propagation delay
	 * ({@code graceful-shutdown.propagation-delay}, or its default), the upper bound of
	 * an adaptive delay
	 * @param propagationQuietPeriodMillis the time without new requests after which an
	 * adaptive delay ends, or {@code null} if the delay is fixed
	 * @param propagationMinDelayMillis the time before which an adaptive delay does not
	 * end
	 * @param kafkaTimeoutMillis the bound on the Kafka phase
	 * @param schedulingTimeoutMillis the bound on the scheduling phase
	 * @param phaseTimeoutMillis the shutdown timeout of the lifecycle phases the starter
	 * owns, Spring Boot's web server drain among them
	 * @param closeReserveMillis the part of the budget kept back for closing the rest of
	 * the application
	 * @param forceExit the force exit settings
	 */
	public record ConfigurationDescriptor(long timeoutMillis, long propagationDelayMillis,
			@Nullable Long propagationQuietPeriodMillis, long propagationMinDelayMillis, long kafkaTimeoutMillis,
			long schedulingTimeoutMillis, long phaseTimeoutMillis, long closeReserveMillis,
			ForceExitDescriptor forceExit) {

	}

	/**
	 * Description of the force exit settings.
	 *
	 * @param onTimeout whether the watchdog halts the JVM when the budget is exceeded
	 * @param onSecondSignal whether a second SIGTERM or SIGINT halts the JVM at once
	 */
	public record ForceExitDescriptor(boolean onTimeout, boolean onSecondSignal) {

	}

	/**
	 * Description of how the budget adds up.
	 *
	 * @param afterPropagationMillis the budget left after the propagation delay
	 * @param propagationDelayFits whether the propagation delay is shorter than the
	 * timeout
	 * @param kafkaTimeoutFits whether the Kafka phase fits in the budget after the delay
	 * @param schedulingTimeoutFits whether the scheduling phase fits in the budget after
	 * the delay
	 * @param lifecycleTimeoutPerShutdownPhaseMillis the shutdown timeout of every other
	 * lifecycle phase ({@code spring.lifecycle.timeout-per-shutdown-phase})
	 * @param lifecycleTimeoutPerShutdownPhaseFits whether that timeout is at most the
	 * phase timeout; if not, a phase that hangs is ended by the watchdog at the budget
	 * rather than by Spring
	 * @param minimumGracePeriodSeconds the shortest grace period the shutdown fits in
	 * @param gracePeriodSeconds the grace period that was asked about, or {@code null}
	 * @param fitsInGracePeriod whether the shutdown fits in that grace period, or
	 * {@code null}
	 */
	public record BudgetDescriptor(long afterPropagationMillis, boolean propagationDelayFits, boolean kafkaTimeoutFits,
			boolean schedulingTimeoutFits, long lifecycleTimeoutPerShutdownPhaseMillis,
			boolean lifecycleTimeoutPerShutdownPhaseFits, long minimumGracePeriodSeconds,
			@Nullable Long gracePeriodSeconds, @Nullable Boolean fitsInGracePeriod) {

	}

	/**
	 * Description of the shutdown under way or done.
	 *
	 * @param startedAt when it started (ISO-8601)
	 * @param signal the signal that triggered it, or {@code null} if not known
	 * @param remainingMillis the budget left, or {@code null} once it has stopped
	 * @param runningPhases the phases that have started and not ended
	 * @param phases the phases that have ended, in the order they ended
	 */
	public record ShutdownDescriptor(String startedAt, @Nullable String signal, @Nullable Long remainingMillis,
			List<RunningPhaseDescriptor> runningPhases, List<PhaseDescriptor> phases) {

	}

	/**
	 * Description of a running phase.
	 *
	 * @param name the phase name
	 * @param elapsedMillis how long it has been running
	 */
	public record RunningPhaseDescriptor(String name, long elapsedMillis) {

	}

	/**
	 * Description of a phase that has ended.
	 *
	 * @param name the phase name
	 * @param durationMillis how long it ran
	 * @param outcome how it ended: {@code completed}, {@code timed_out}, {@code failed}
	 * or {@code skipped}
	 */
	public record PhaseDescriptor(String name, long durationMillis, String outcome) {

	}

}
