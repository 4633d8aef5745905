package io.github.gracefulshutdown.web;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter that counts in-flight requests and, once the shutdown has begun, adds
 * {@code Connection: close} to every response. A keep-alive client pinned to this
 * instance (by an L4 load balancer or kube-proxy) then opens its next connection through
 * the balancer, which no longer routes to an instance whose readiness is down.
 * <p>
 * Its own work per request is an atomic counter update, a set update and a volatile read.
 */
final class ShutdownRequestFilter extends OncePerRequestFilter implements InFlightRequests, Ordered {

	private final ShutdownCoordinator coordinator;

	private final boolean connectionClose;

	private final AtomicInteger count = new AtomicInteger();

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	ShutdownRequestFilter(ShutdownCoordinator coordinator, boolean connectionClose) {
		this.coordinator = coordinator;
		this.connectionClose = connectionClose;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.connectionClose && this.coordinator.isShuttingDown()) {
			response.setHeader(HttpHeaders.CONNECTION, "close");
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
				request.getAsyncContext().addListener(new CompletionListener());
			}
			else {
				this.count.decrementAndGet();
			}
		}
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
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Counts an asynchronous request as done when it completes.
	 */
	private final class CompletionListener implements AsyncListener {

		@Override
		public void onComplete(AsyncEvent event) {
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
			event.getAsyncContext().addListener(this);
		}

	}

}
