package io.github.gracefulshutdown;

import java.util.Collection;

/**
 * Requests a server is working on, counted for the first shutdown log line and named by
 * the watchdog when the HTTP drain hangs.
 *
 * @since 0.1.0
 */
public interface InFlightRequests {

	/**
	 * Return the number of requests that have started and not yet completed.
	 * @return the in-flight request count
	 */
	int count();

	/**
	 * Return the threads currently running a request handler.
	 * @return the request threads, possibly empty
	 */
	Collection<Thread> threads();

}
