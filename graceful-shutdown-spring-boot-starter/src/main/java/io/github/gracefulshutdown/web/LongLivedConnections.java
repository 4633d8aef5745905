package io.github.gracefulshutdown.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownPhaseLifecycle;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Ends long-lived HTTP connections when the HTTP drain starts
 * ({@link GracefulShutdownPhases#LONG_LIVED_REQUESTS}). Spring Boot's drain waits for
 * every open asynchronous request, so without this an open event stream holds the
 * shutdown until the drain times out.
 * <ul>
 * <li>Event streams (responses of type {@code text/event-stream}, such as an
 * {@code SseEmitter}) are ended and completed at once: the client reads a proper end of
 * the stream and an {@code EventSource} reconnects, through the load balancer, to another
 * instance.</li>
 * <li>WebSocket sessions are closed with status 1001 (going away).</li>
 * <li>Asynchronous requests still waiting for their result (long polls,
 * {@code DeferredResult}, {@code Callable}, {@code CompletableFuture}) get the async
 * grace period to finish like any in-flight request, then are answered with
 * {@code 503 Service Unavailable} (and {@code Connection: close} on HTTP/1.x): the status
 * Spring MVC gives an asynchronous request that times out, which tells the client to try
 * again.</li>
 * </ul>
 * Other asynchronous responses that have already started (a streamed download) are left
 * to the drain: ending them would look like a complete body to the client.
 * <p>
 * It is the {@link ShutdownPhaseLifecycle} of that phase itself.
 */
final class LongLivedConnections extends ShutdownPhaseLifecycle {

	private static final Log logger = LogFactory.getLog(LongLivedConnections.class);

	private static final String EVENT_STREAM = "text/event-stream";

	private final @Nullable ShutdownRequestFilter requests;

	private final List<WebSocketSessions> webSocketSessions;

	private final Duration asyncGracePeriod;

	private final boolean connectionClose;

	LongLivedConnections(ShutdownCoordinator coordinator, @Nullable ShutdownRequestFilter requests,
			List<WebSocketSessions> webSocketSessions, Duration asyncGracePeriod, boolean connectionClose) {
		super(GracefulShutdownPhases.LONG_LIVED_REQUESTS, coordinator);
		this.requests = requests;
		this.webSocketSessions = List.copyOf(webSocketSessions);
		this.asyncGracePeriod = asyncGracePeriod;
		this.connectionClose = connectionClose;
	}

	@Override
	protected void stopPhase() {
		int streams = endEventStreams();
		int sessions = closeWebSocketSessions();
		if (streams + sessions > 0) {
			logger.info("Ended " + streams + " event stream(s) and closed " + sessions
					+ " WebSocket session(s) before the HTTP drain");
		}
		else {
			logger.debug("No event stream or WebSocket session to end before the HTTP drain");
		}
		if (this.requests == null) {
			return;
		}
		if (this.asyncGracePeriod.isZero()) {
			endAfterGracePeriod();
			return;
		}
		Thread thread = new Thread(this::awaitGracePeriod, "graceful-shutdown-async-grace");
		thread.setDaemon(true);
		thread.start();
	}

	private void awaitGracePeriod() {
		try {
			Thread.sleep(this.asyncGracePeriod.toMillis());
			endAfterGracePeriod();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// Second pass: also ends streams and sessions that a client reopened, on a kept-alive
	// connection, between the first pass and the connector pause
	private void endAfterGracePeriod() {
		int pending = 0;
		for (AsyncContext asyncContext : asyncRequests()) {
			if (!isEventStream(asyncContext) && answerServiceUnavailable(asyncContext)) {
				pending++;
			}
		}
		int streams = endEventStreams();
		int sessions = closeWebSocketSessions();
		if (pending + streams + sessions > 0) {
			logger.info("Answered " + pending + " asynchronous request(s) still waiting after the "
					+ this.asyncGracePeriod.toMillis() + " ms grace period with 503, ended " + streams
					+ " event stream(s) and closed " + sessions + " WebSocket session(s)");
		}
	}

	// The end of each body is written before its request is completed: the container
	// reports a request complete (to its drain too) before it writes the end of the
	// response, and the server's stop right after the drain could cut that end off
	private int endEventStreams() {
		List<AsyncContext> streams = asyncRequests().stream().filter(LongLivedConnections::isEventStream).toList();
		ClientWrites.run("graceful-shutdown-event-streams", streams, LongLivedConnections::endEventStream);
		return streams.size();
	}

	private static void endEventStream(AsyncContext asyncContext) {
		try {
			closeBody(asyncContext.getResponse());
		}
		catch (IOException | RuntimeException ex) {
			// The client went away, or the request completed meanwhile
			logger.debug(LogMessage.format("Could not end the body of an event stream: %s", ex.getMessage()));
		}
		complete(asyncContext);
	}

	private static void closeBody(ServletResponse response) throws IOException {
		try {
			response.getOutputStream().close();
		}
		catch (IllegalStateException ex) {
			// The application writes through the writer
			response.getWriter().close();
		}
	}

	private int closeWebSocketSessions() {
		int sessions = 0;
		for (WebSocketSessions webSocketSessions : this.webSocketSessions) {
			sessions += webSocketSessions.closeAll();
		}
		return sessions;
	}

	private List<AsyncContext> asyncRequests() {
		return (this.requests != null) ? this.requests.asyncRequests() : List.of();
	}

	private static boolean isEventStream(AsyncContext asyncContext) {
		try {
			String contentType = asyncContext.getResponse().getContentType();
			return contentType != null && contentType.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length());
		}
		catch (RuntimeException ex) {
			// Completed meanwhile: the container recycled the request
			return false;
		}
	}

	// The application may dispatch its result at the same moment: then the request cannot
	// be completed, and the result goes out with the status it had
	boolean answerServiceUnavailable(AsyncContext asyncContext) {
		HttpServletResponse response;
		int status;
		try {
			// Not started any more: the application's dispatch is under way
			if (!(asyncContext.getResponse() instanceof HttpServletResponse httpResponse) || httpResponse.isCommitted()
					|| !asyncContext.getRequest().isAsyncStarted()) {
				return false;
			}
			response = httpResponse;
			status = response.getStatus();
			response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
			if (this.connectionClose && ShutdownRequestFilter.canCloseConnection(asyncContext.getRequest())) {
				response.setHeader(HttpHeaders.CONNECTION, "close");
			}
		}
		catch (RuntimeException ex) {
			// Completed meanwhile: the container recycled the request
			return false;
		}
		if (complete(asyncContext)) {
			return true;
		}
		try {
			// Unless the application has set its own status meanwhile
			if (response.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
				response.setStatus(status);
			}
		}
		catch (RuntimeException ex) {
			// Already recycled
		}
		return false;
	}

	private static boolean complete(AsyncContext asyncContext) {
		try {
			asyncContext.complete();
			return true;
		}
		catch (RuntimeException ex) {
			// The application completed or dispatched the request at the same time
			logger.debug(LogMessage.format("Could not complete asynchronous request: %s", ex.getMessage()));
			return false;
		}
	}

}
