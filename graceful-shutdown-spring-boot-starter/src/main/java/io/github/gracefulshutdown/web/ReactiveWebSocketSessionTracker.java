package io.github.gracefulshutdown.web;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.log.LogMessage;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

/**
 * Keeps the open sessions of the Spring WebFlux {@link WebSocketHandler} beans it advises
 * (see {@link WebSocketHandlerTrackingPostProcessor}): a session is added when
 * {@link WebSocketHandler#handle} is called and removed when the {@code Mono} it returned
 * ends, before the server sees the end. Reactor Netty's drain waits for open sessions, so
 * its sessions count as in-flight requests ({@link ShutdownWebFilter#count()}); Tomcat's
 * drain does not wait for them, as on the servlet stack.
 */
final class ReactiveWebSocketSessionTracker implements WebSocketSessions, MethodInterceptor {

	private static final Log logger = LogFactory.getLog(ReactiveWebSocketSessionTracker.class);

	private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();

	/**
	 * Return whether a method is {@link WebSocketHandler#handle}.
	 * @param method a method of a handler
	 * @return whether the tracker needs to see its calls
	 */
	static boolean isSessionCallback(Method method) {
		return "handle".equals(method.getName()) && method.getParameterCount() == 1;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		if (arguments.length == 1 && arguments[0] instanceof WebSocketSession session) {
			this.sessions.add(session);
			Object result;
			try {
				result = invocation.proceed();
			}
			catch (Throwable ex) {
				// No session to wait for: the handler failed before it returned one
				this.sessions.remove(session);
				throw ex;
			}
			if (result instanceof Mono<?> handling) {
				// Removed before the server sees the end of the session, which may end
				// its drain: doFinally would run only after that
				Runnable remove = () -> this.sessions.remove(session);
				return handling.doOnTerminate(remove).doOnCancel(remove);
			}
			this.sessions.remove(session);
			return result;
		}
		return invocation.proceed();
	}

	/**
	 * Return the number of open sessions that the server's drain waits for: those of
	 * Reactor Netty, whose drain waits for every open connection. Tomcat's drain ends
	 * without them, and its stop closes them.
	 * @return the open session count that holds the drain
	 */
	int countHoldingTheDrain() {
		int count = 0;
		for (WebSocketSession session : this.sessions) {
			if (ReactorNetty.isSession(session)) {
				count++;
			}
		}
		return count;
	}

	@Override
	public int closeAll() {
		int closed = 0;
		for (WebSocketSession session : List.copyOf(this.sessions)) {
			this.sessions.remove(session);
			if (session.isOpen()) {
				session.close(CloseStatus.GOING_AWAY)
					.subscribe(null, (ex) -> logger
						.debug(LogMessage.format("Could not close WebSocket session '%s'", session.getId()), ex));
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Reactor Netty's sessions, in a class of their own so that its types are looked at
	 * only when it is on the class path.
	 */
	private static final class ReactorNetty {

		private static final boolean PRESENT = ClassUtils.isPresent("reactor.netty.http.websocket.WebsocketInbound",
				ReactiveWebSocketSessionTracker.class.getClassLoader());

		static boolean isSession(WebSocketSession session) {
			return PRESENT && session instanceof ReactorNettyWebSocketSession;
		}

	}

}
