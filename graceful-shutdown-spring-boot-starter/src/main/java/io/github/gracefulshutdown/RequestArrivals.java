package io.github.gracefulshutdown;

import java.util.OptionalLong;

/**
 * Tells when the last request arrived once the shutdown has begun, so that the
 * propagation delay can end early when the load balancers have stopped sending new
 * requests ({@code graceful-shutdown.propagation-quiet-period}).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RequestArrivals {

	/**
	 * Return when the last request arrived after the shutdown began, as a
	 * {@link System#nanoTime()} value. Requests that do not come through a load balancer,
	 * such as probes and scrapes of Actuator endpoints, are not counted.
	 * @return the arrival time of the last request, or empty if none has arrived since
	 * the shutdown began
	 */
	OptionalLong lastArrivalNanos();

}
