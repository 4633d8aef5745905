package io.github.gracefulshutdown.web;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;

/**
 * Keeps the open sessions of the {@link WebSocketHandler} beans it advises (see
 * {@link WebSocketHandlerTrackingPostProcessor}): a session is added when
 * {@link WebSocketHandler#afterConnectionEstablished} is called and removed when
 * {@link WebSocketHandler#afterConnectionClosed} is.
 */
final class WebSocketSessionTracker implements WebSocketSessions, MethodInterceptor {

	private static final Log logger = LogFactory.getLog(WebSocketSessionTracker.class);

	private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();

	/**
	 * Return whether a method is {@link WebSocketHandler#afterConnectionEstablished} or
	 * {@link WebSocketHandler#afterConnectionClosed}.
	 * @param method a method of a handler
	 * @return whether the tracker needs to see its calls
	 */
	static boolean isSessionCallback(Method method) {
		String name = method.getName();
		return ("afterConnectionEstablished".equals(name) && method.getParameterCount() == 1)
				|| ("afterConnectionClosed".equals(name) && method.getParameterCount() == 2);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		if (arguments.length > 0 && arguments[0] instanceof WebSocketSession session) {
			if ("afterConnectionEstablished".equals(invocation.getMethod().getName())) {
				this.sessions.add(session);
			}
			else {
				this.sessions.remove(session);
			}
		}
		return invocation.proceed();
	}

	/**
	 * Close every open session with status 1001 (going away). Closing sends a close
	 * frame, a blocking write: see {@link ClientWrites}.
	 * @return the number of sessions that were open
	 */
	@Override
	public int closeAll() {
		List<WebSocketSession> open = new ArrayList<>();
		for (WebSocketSession session : List.copyOf(this.sessions)) {
			this.sessions.remove(session);
			if (session.isOpen()) {
				open.add(session);
			}
		}
		if (open.isEmpty()) {
			return 0;
		}
		ClientWrites.run("graceful-shutdown-websocket-close", open, WebSocketSessionTracker::close);
		return open.size();
	}

	private static void close(WebSocketSession session) {
		try {
			session.close(CloseStatus.GOING_AWAY);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug(LogMessage.format("Could not close WebSocket session '%s'", session.getId()), ex);
		}
	}

}
