package io.github.gracefulshutdown.readiness;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.RequestArrivals;
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
 * <p>
 * With a quiet period, the delay is adaptive: it ends as soon as no new request has
 * arrived for the quiet period (and the minimum delay has passed), the configured delay
 * being the upper bound. Request arrivals are the signal that load balancers have stopped
 * routing to the instance: that holds when every balancer's routing change shows up as a
 * drop in new requests, which the {@code Connection: close} responses during the delay
 * help with (clients pinned to the instance reconnect through the balancer). It does not
 * hold for a client that keeps one long request busy, and without HTTP request tracking
 * (no {@link RequestArrivals}) the full delay applies.
 *
 * @since 0.1.0
 */
public final class PropagationDelayListener implements ApplicationListener<ContextClosedEvent>, Ordered {

	private static final Log logger = LogFactory.getLog(PropagationDelayListener.class);

	private final ConfigurableApplicationContext context;

	private final ShutdownCoordinator coordinator;

	private final ReadinessGuard readinessGuard;

	private final Duration delay;

	private final @Nullable Duration quietPeriod;

	private final Duration minDelay;

	private final ObjectProvider<InFlightRequests> inFlightRequests;

	private final @Nullable ObjectProvider<RequestArrivals> requestArrivals;

	private final ObjectProvider<ApplicationAvailability> availability;

	private final ObjectProvider<ShutdownSignal> shutdownSignal;

	private final Object monitor = new Object();

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
		this(context, coordinator, readinessGuard, delay, null, Duration.ZERO, inFlightRequests, null, availability,
				shutdownSignal);
	}

	/**
	 * Create a new listener whose delay ends early once requests stop arriving.
	 * @param context the application context whose close begins the shutdown
	 * @param coordinator the shutdown coordinator
	 * @param readinessGuard the guard that knows whether the application accepted traffic
	 * @param delay the propagation delay, the upper bound when a quiet period is set
	 * @param quietPeriod the time without new requests after which the delay ends, or
	 * {@code null} for a fixed delay
	 * @param minDelay the time before which the delay does not end early
	 * @param inFlightRequests the in-flight HTTP requests, if this is a web application
	 * @param requestArrivals the arrivals of HTTP requests, if this is a web application
	 * @param availability the application availability, if available
	 * @param shutdownSignal the shutdown signal, if any
	 */
	public PropagationDelayListener(ConfigurableApplicationContext context, ShutdownCoordinator coordinator,
			ReadinessGuard readinessGuard, Duration delay, @Nullable Duration quietPeriod, Duration minDelay,
			ObjectProvider<InFlightRequests> inFlightRequests,
			@Nullable ObjectProvider<RequestArrivals> requestArrivals,
			ObjectProvider<ApplicationAvailability> availability, ObjectProvider<ShutdownSignal> shutdownSignal) {
		this.context = context;
		this.coordinator = coordinator;
		this.readinessGuard = readinessGuard;
		this.delay = delay;
		this.quietPeriod = quietPeriod;
		this.minDelay = minDelay;
		this.inFlightRequests = inFlightRequests;
		this.requestArrivals = requestArrivals;
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
			.append(this.delay.toMillis());
		if (this.quietPeriod != null) {
			message.append(" ms at most, quiet period ").append(this.quietPeriod.toMillis());
		}
		message.append(" ms)");
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
			awaitPropagation();
			phase.end(ShutdownOutcome.COMPLETED);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			phase.end(ShutdownOutcome.FAILED);
		}
	}

	// Each wait lasts until the earliest moment the delay could end; an arrival in the
	// meantime only moves that moment, so it is checked when the wait is over
	private void awaitPropagation() throws InterruptedException {
		long start = System.nanoTime();
		long end = start + this.delay.toNanos();
		RequestArrivals arrivals = requestArrivals();
		Duration quietPeriod = this.quietPeriod;
		while (true) {
			long now = System.nanoTime();
			if (now - end >= 0) {
				return;
			}
			long next = end;
			if (arrivals != null && quietPeriod != null) {
				long quietEnd = quietEnd(arrivals.lastArrivalNanos(), start, quietPeriod);
				if (now - quietEnd >= 0) {
					logger.info("No new HTTP request for " + quietPeriod.toMillis()
							+ " ms, ending the propagation delay after " + Duration.ofNanos(now - start).toMillis()
							+ " ms of at most " + this.delay.toMillis() + " ms");
					return;
				}
				next = (quietEnd - end < 0) ? quietEnd : end;
			}
			synchronized (this.monitor) {
				TimeUnit.NANOSECONDS.timedWait(this.monitor, next - now);
			}
		}
	}

	private long quietEnd(OptionalLong lastArrival, long start, Duration quietPeriod) {
		long quietSince = lastArrival.orElse(start);
		if (quietSince - start < 0) {
			quietSince = start;
		}
		long quietEnd = quietSince + quietPeriod.toNanos();
		long earliest = start + this.minDelay.toNanos();
		return (quietEnd - earliest < 0) ? earliest : quietEnd;
	}

	private @Nullable RequestArrivals requestArrivals() {
		if (this.quietPeriod == null || this.requestArrivals == null) {
			return null;
		}
		RequestArrivals arrivals = this.requestArrivals.getIfUnique();
		if (arrivals == null) {
			logger.debug("No HTTP request tracking, so the propagation delay cannot end early");
		}
		return arrivals;
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
