package io.github.gracefulshutdown.web;

import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.RequestArrivals;
import io.github.gracefulshutdown.ShutdownCoordinator;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Web filter of reactive web applications that counts in-flight requests and, once the
 * shutdown has begun, adds {@code Connection: close} to every HTTP/1.x response served by
 * Reactor Netty or Tomcat, which then close the connection. A keep-alive client pinned to
 * this instance then opens its next connection through the load balancer. It also records
 * when the last request arrived during the shutdown, leaving out requests to the ignored
 * paths (probes and scrapes, which do not come through a load balancer).
 * <p>
 * A request counts from the subscription to the filter chain to its completion, error or
 * cancellation (the client went away), and stops counting before the server sees that
 * signal; so does an open WebSocket session that the server's drain waits for. Requests
 * run on event loop threads, not on a thread of their own, so {@link #threads()} is
 * always empty.
 * <p>
 * Unless long-lived requests are left to the drain, responses are decorated so that
 * {@link #endEventStreams()} can complete the body of every event stream.
 */
final class ShutdownWebFilter
		implements WebFilter, InFlightRequests, RequestArrivals, Ordered, ApplicationContextAware {

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils
		.isPresent("reactor.netty.http.server.HttpServerRequest", ShutdownWebFilter.class.getClassLoader());

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			ShutdownWebFilter.class.getClassLoader());

	private final ShutdownCoordinator coordinator;

	private final boolean connectionClose;

	private final AtomicInteger count = new AtomicInteger();

	private final boolean endEventStreams;

	private final IntSupplier openWebSocketSessions;

	private final Sinks.Empty<Void> drainStarted = Sinks.empty();

	private final AtomicInteger eventStreams = new AtomicInteger();

	private final RequestArrivalRecorder arrivals;

	private @Nullable ApplicationContext applicationContext;

	/**
	 * Create a new filter.
	 * @param coordinator the shutdown coordinator
	 * @param connectionClose whether to add {@code Connection: close} during the shutdown
	 * @param ignoredPaths prefixes of the paths, within the application, whose requests
	 * are not counted as arrivals
	 * @param endEventStreams whether event streams can be ended when the HTTP drain
	 * starts ({@link #endEventStreams()})
	 * @param openWebSocketSessions the number of open WebSocket sessions that the
	 * server's drain waits for, which count as in-flight requests: the request that
	 * opened one has completed, but the drain waits for the session
	 */
	ShutdownWebFilter(ShutdownCoordinator coordinator, boolean connectionClose, List<String> ignoredPaths,
			boolean endEventStreams, IntSupplier openWebSocketSessions) {
		this.coordinator = coordinator;
		this.connectionClose = connectionClose;
		this.arrivals = new RequestArrivalRecorder(ignoredPaths);
		this.endEventStreams = endEventStreams;
		this.openWebSocketSessions = openWebSocketSessions;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (isOfAnotherContext(exchange)) {
			return chain.filter(exchange);
		}
		if (this.coordinator.isShuttingDown()) {
			if (this.connectionClose && canCloseConnection(exchange.getRequest())) {
				exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
			}
			this.arrivals.arrived(exchange.getRequest().getPath().pathWithinApplication().value());
		}
		ServerWebExchange filtered = this.endEventStreams
				? exchange.mutate().response(new EventStreamEndingResponse(exchange.getResponse())).build() : exchange;
		return Mono.defer(() -> {
			this.count.incrementAndGet();
			RequestEnd end = new RequestEnd(this.count);
			return chain.filter(filtered).doOnTerminate(end).doOnCancel(end);
		});
	}

	// A child context collects the web filters of its parent too: the management server
	// on a port of its own serves probes and scrapes through this filter, which are not
	// requests of the application's server
	private boolean isOfAnotherContext(ServerWebExchange exchange) {
		ApplicationContext context = exchange.getApplicationContext();
		return context != null && this.applicationContext != null && context != this.applicationContext;
	}

	/**
	 * Complete every open event stream (a response of type {@code text/event-stream}) and
	 * those opened from now on: the client reads a proper end of the stream, and an
	 * {@code EventSource} reconnects through the load balancer to another instance.
	 * @return the number of event streams that were open
	 */
	int endEventStreams() {
		int open = this.eventStreams.get();
		this.drainStarted.tryEmitEmpty();
		return open;
	}

	/**
	 * Return whether a response to the request may carry {@code Connection: close}: on
	 * Reactor Netty and on servlet containers such as Tomcat, and only on HTTP/1.x
	 * (HTTP/2 forbids connection-specific header fields, RFC 9113, section 8.2.2). Other
	 * servers do not tell the protocol through the reactive request, so their responses
	 * get no such header.
	 * @param request the request
	 * @return whether the response may ask the client to close the connection
	 */
	static boolean canCloseConnection(ServerHttpRequest request) {
		Object nativeRequest;
		try {
			nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		}
		catch (IllegalStateException ex) {
			// A request with no server behind it, such as a mock
			return false;
		}
		return (REACTOR_NETTY_PRESENT && ReactorNetty.isHttp1(nativeRequest))
				|| (SERVLET_PRESENT && Servlet.isHttp1(nativeRequest));
	}

	@Override
	public int count() {
		return this.count.get() + this.openWebSocketSessions.getAsInt();
	}

	@Override
	public Collection<Thread> threads() {
		return List.of();
	}

	@Override
	public OptionalLong lastArrivalNanos() {
		return this.arrivals.lastArrivalNanos();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Takes a request out of the in-flight count once, on its completion, error or
	 * cancellation, before the signal travels on: the server learns that the response is
	 * complete from that signal and may end its drain at once, so the count must already
	 * be down when the drain's end looks at it ({@code doFinally} would run only after
	 * the server has seen the signal).
	 */
	@SuppressWarnings("serial")
	private static final class RequestEnd extends AtomicBoolean implements Runnable {

		private final AtomicInteger count;

		RequestEnd(AtomicInteger count) {
			this.count = count;
		}

		@Override
		public void run() {
			if (compareAndSet(false, true)) {
				this.count.decrementAndGet();
			}
		}

	}

	/**
	 * Ends the body of an event stream once the HTTP drain has started.
	 */
	private final class EventStreamEndingResponse extends ServerHttpResponseDecorator {

		EventStreamEndingResponse(ServerHttpResponse delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			MediaType contentType = getHeaders().getContentType();
			if (contentType == null || !MediaType.TEXT_EVENT_STREAM.isCompatibleWith(contentType)) {
				return super.writeAndFlushWith(body);
			}
			AtomicInteger streams = ShutdownWebFilter.this.eventStreams;
			Flux<? extends Publisher<? extends DataBuffer>> endingBody = Flux.from(body)
				.takeUntilOther(ShutdownWebFilter.this.drainStarted.asMono())
				.doOnSubscribe((subscription) -> streams.incrementAndGet())
				.doFinally((signal) -> streams.decrementAndGet());
			return super.writeAndFlushWith(endingBody);
		}

	}

	/**
	 * Keeps the Reactor Netty types out of the filter, for other reactive servers.
	 */
	private static final class ReactorNetty {

		static boolean isHttp1(Object nativeRequest) {
			return nativeRequest instanceof HttpServerRequest nettyRequest
					&& nettyRequest.version().majorVersion() == 1;
		}

	}

	/**
	 * Keeps the Servlet API types out of the filter, for servers that are not servlet
	 * containers. Tomcat ends the connection after a response that carries
	 * {@code Connection: close}.
	 */
	private static final class Servlet {

		static boolean isHttp1(Object nativeRequest) {
			return nativeRequest instanceof HttpServletRequest servletRequest
					&& servletRequest.getProtocol().startsWith("HTTP/1.");
		}

	}

}
