package io.github.gracefulshutdown.web;

import java.util.List;
import java.util.OptionalLong;

import io.github.gracefulshutdown.RequestArrivals;

/**
 * Records when the last request arrived once the shutdown has begun, for the request
 * filters of the servlet and the reactive stack. Requests to the ignored paths (probes
 * and scrapes, which do not come through a load balancer) do not count.
 */
final class RequestArrivalRecorder implements RequestArrivals {

	private final List<String> ignoredPaths;

	private volatile boolean arrived;

	private volatile long lastArrival;

	/**
	 * Create a new recorder.
	 * @param ignoredPaths prefixes of the paths, within the application, whose requests
	 * are not counted as arrivals
	 */
	RequestArrivalRecorder(List<String> ignoredPaths) {
		this.ignoredPaths = List.copyOf(ignoredPaths);
	}

	/**
	 * Record the arrival of a request during the shutdown.
	 * @param path the path of the request within the application
	 */
	void arrived(String path) {
		for (String ignoredPath : this.ignoredPaths) {
			if (path.startsWith(ignoredPath)) {
				return;
			}
		}
		this.lastArrival = System.nanoTime();
		if (!this.arrived) {
			this.arrived = true;
		}
	}

	@Override
	public OptionalLong lastArrivalNanos() {
		return this.arrived ? OptionalLong.of(this.lastArrival) : OptionalLong.empty();
	}

}
