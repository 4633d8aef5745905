package io.github.gracefulshutdown.web;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.RequestArrivals;
import io.github.gracefulshutdown.ShutdownCoordinator;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter that counts in-flight requests and, once the shutdown has begun, adds
 * {@code Connection: close} to every HTTP/1.x response. A keep-alive client pinned to
 * this instance (by an L4 load balancer or kube-proxy) then opens its next connection
 * through the balancer, which no longer routes to an instance whose readiness is down.
 * <p>
 * It also keeps the {@link AsyncContext} of every asynchronous request until it
 * completes, so that {@link LongLivedConnections} can end them, and, once the shutdown
 * has begun, records when the last request arrived, leaving out requests to the ignored
 * paths (probes and scrapes, which do not come through a load balancer).
 * <p>
 * Its own work per request is an atomic counter update, a set update and a volatile read;
 * asynchronous requests add a set update, and requests during the shutdown a volatile
 * write.
 */
final class ShutdownRequestFilter extends OncePerRequestFilter implements InFlightRequests, RequestArrivals, Ordered {

	private final ShutdownCoordinator coordinator;

	private final boolean connectionClose;

	private final AtomicInteger count = new AtomicInteger();

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	private final Set<AsyncContext> asyncRequests = ConcurrentHashMap.newKeySet();

	private final RequestArrivalRecorder arrivals;

	ShutdownRequestFilter(ShutdownCoordinator coordinator, boolean connectionClose) {
		this(coordinator, connectionClose, List.of());
	}

	/**
	 * Create a new filter.
	 * @param coordinator the shutdown coordinator
	 * @param connectionClose whether to add {@code Connection: close} during the shutdown
	 * @param ignoredPaths prefixes of the paths, within the context path, whose requests
	 * are not counted as arrivals
	 */
	ShutdownRequestFilter(ShutdownCoordinator coordinator, boolean connectionClose, List<String> ignoredPaths) {
		this.coordinator = coordinator;
		this.connectionClose = connectionClose;
		this.arrivals = new RequestArrivalRecorder(ignoredPaths);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.coordinator.isShuttingDown()) {
			if (this.connectionClose && canCloseConnection(request)) {
				response.setHeader(HttpHeaders.CONNECTION, "close");
			}
			this.arrivals.arrived(request.getRequestURI().substring(request.getContextPath().length()));
		}
		Thread thread = Thread.currentThread();
		this.count.incrementAndGet();
		this.threads.add(thread);
		boolean async = false;
		try {
			chain.doFilter(request, response);
			async = request.isAsyncStarted();
		}
		finally {
			this.threads.remove(thread);
			if (async) {
				AsyncContext asyncContext = request.getAsyncContext();
				this.asyncRequests.add(asyncContext);
				asyncContext.addListener(new CompletionListener(asyncContext));
			}
			else {
				this.count.decrementAndGet();
			}
		}
	}

	/**
	 * Return whether a response to the request may carry {@code Connection: close}: only
	 * on HTTP/1.x. HTTP/2 forbids connection-specific header fields (RFC 9113, section
	 * 8.2.2) and clients reject a response that has one; HTTP/2 clients move off when the
	 * drain pauses Tomcat's connectors, which sends them a GOAWAY frame.
	 * @param request the request
	 * @return whether the response may ask the client to close the connection
	 */
	static boolean canCloseConnection(ServletRequest request) {
		return request.getProtocol().startsWith("HTTP/1.");
	}

	@Override
	public int count() {
		return this.count.get();
	}

	@Override
	public Collection<Thread> threads() {
		return List.copyOf(this.threads);
	}

	@Override
	public OptionalLong lastArrivalNanos() {
		return this.arrivals.lastArrivalNanos();
	}

	/**
	 * Return the asynchronous requests that have started and not yet completed.
	 * @return the async contexts of the open asynchronous requests
	 */
	List<AsyncContext> asyncRequests() {
		return List.copyOf(this.asyncRequests);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Counts an asynchronous request as done when it completes.
	 */
	private final class CompletionListener implements AsyncListener {

		private volatile AsyncContext asyncContext;

		CompletionListener(AsyncContext asyncContext) {
			this.asyncContext = asyncContext;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			ShutdownRequestFilter.this.asyncRequests.remove(this.asyncContext);
			ShutdownRequestFilter.this.count.decrementAndGet();
		}

		@Override
		public void onTimeout(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			AsyncContext restarted = event.getAsyncContext();
			if (restarted != this.asyncContext) {
				ShutdownRequestFilter.this.asyncRequests.add(restarted);
				ShutdownRequestFilter.this.asyncRequests.remove(this.asyncContext);
				this.asyncContext = restarted;
			}
			restarted.addListener(this);
		}

	}

}
