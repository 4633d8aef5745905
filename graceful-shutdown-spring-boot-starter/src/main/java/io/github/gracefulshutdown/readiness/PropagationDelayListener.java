package io.github.gracefulshutdown.readiness;

import java.time.Duration;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhase;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.ShutdownSignal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * Begins the shutdown when the application context closes: starts the
 * {@link ShutdownCoordinator} clock and watchdog, makes sure readiness is
 * {@link ReadinessState#REFUSING_TRAFFIC} (Spring Boot does it only for web
 * applications), then keeps the application fully working for the propagation delay.
 * <p>
 * It runs first among the {@link ContextClosedEvent} listeners, so during the delay the
 * web server still accepts and serves requests, Kafka listeners consume, schedulers fire
 * and meter registries are open, while readiness probes already answer 503. Spring Boot
 * closes its meter registries and schedulers in later listeners, and lifecycle phases
 * (Kafka containers, the web server drain) follow after that.
 * <p>
 * The delay is skipped when the application never reported
 * {@link ReadinessState#ACCEPTING_TRAFFIC}: no load balancer routes to it.
 *
 * @since 0.1.0
 */
public final class PropagationDelayListener implements ApplicationListener<ContextClosedEvent>, Ordered {

	private static final Log logger = LogFactory.getLog(PropagationDelayListener.class);

	private final ConfigurableApplicationContext context;

	private final ShutdownCoordinator coordinator;

	private final ReadinessGuard readinessGuard;

	private final Duration delay;

	private final ObjectProvider<InFlightRequests> inFlightRequests;

	private final ObjectProvider<ApplicationAvailability> availability;

	private final ObjectProvider<ShutdownSignal> shutdownSignal;

	/**
	 * Create a new listener.
	 * @param context the application context whose close begins the shutdown
	 * @param coordinator the shutdown coordinator
	 * @param readinessGuard the guard that knows whether the application accepted traffic
	 * @param delay the propagation delay
	 * @param inFlightRequests the in-flight HTTP requests, if this is a web application
	 * @param availability the application availability, if available
	 * @param shutdownSignal the shutdown signal, if any
	 */
	public PropagationDelayListener(ConfigurableApplicationContext context, ShutdownCoordinator coordinator,
			ReadinessGuard readinessGuard, Duration delay, ObjectProvider<InFlightRequests> inFlightRequests,
			ObjectProvider<ApplicationAvailability> availability, ObjectProvider<ShutdownSignal> shutdownSignal) {
		this.context = context;
		this.coordinator = coordinator;
		this.readinessGuard = readinessGuard;
		this.delay = delay;
		this.inFlightRequests = inFlightRequests;
		this.availability = availability;
		this.shutdownSignal = shutdownSignal;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() != this.context || !this.coordinator.begin(() -> !this.context.isActive())) {
			return;
		}
		logger.info(startMessage());
		this.shutdownSignal.ifAvailable((signal) -> signal.shutdownStarted(this.coordinator.deadline()));
		refuseTraffic();
		propagate();
	}

	private String startMessage() {
		String signal = this.coordinator.getSignal();
		StringBuilder message = new StringBuilder("Graceful shutdown started");
		message.append((signal != null) ? " by " + signal : "");
		InFlightRequests inFlight = this.inFlightRequests.getIfAvailable();
		if (inFlight != null) {
			message.append(" with ").append(inFlight.count()).append(" in-flight HTTP request(s)");
		}
		message.append(" (budget ")
			.append(this.coordinator.getTimeout().toMillis())
			.append(" ms, propagation delay ")
			.append(this.delay.toMillis())
			.append(" ms)");
		return message.toString();
	}

	private void refuseTraffic() {
		ShutdownPhase phase = this.coordinator.startPhase(ShutdownPhaseNames.READINESS);
		ApplicationAvailability availability = this.availability.getIfAvailable();
		@Nullable ReadinessState state = (availability != null) ? availability.getReadinessState() : null;
		if (state != ReadinessState.REFUSING_TRAFFIC) {
			AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		}
		phase.end(ShutdownOutcome.COMPLETED);
	}

	private void propagate() {
		if (this.delay.isZero()) {
			this.coordinator.skipPhase(ShutdownPhaseNames.PROPAGATION, "no propagation delay is configured");
			return;
		}
		if (!this.readinessGuard.hasAcceptedTraffic()) {
			this.coordinator.skipPhase(ShutdownPhaseNames.PROPAGATION,
					"the application never reported ACCEPTING_TRAFFIC, so no load balancer routes to it");
			return;
		}
		ShutdownPhase phase = this.coordinator.startPhase(ShutdownPhaseNames.PROPAGATION);
		try {
			Thread.sleep(this.delay.toMillis());
			phase.end(ShutdownOutcome.COMPLETED);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			phase.end(ShutdownOutcome.FAILED);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

}
