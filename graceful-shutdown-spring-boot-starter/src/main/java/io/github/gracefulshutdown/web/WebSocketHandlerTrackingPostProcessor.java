package io.github.gracefulshutdown.web;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.web.socket.WebSocketHandler;

/**
 * Advises every {@link WebSocketHandler} bean with a {@link WebSocketSessionTracker}, so
 * that its sessions can be closed when the HTTP drain starts. Spring's WebSocket support
 * has no hook that sees every session, so the handlers are proxied, by class, as
 * {@code @Async} and {@code @Validated} beans are: the bean keeps its type.
 * <p>
 * Spring's own handlers are left alone (the STOMP {@code SubProtocolWebSocketHandler}
 * closes its sessions with status 1001 itself when it stops), and so are final classes,
 * which cannot be proxied by class. Handlers that are not beans are not seen.
 */
final class WebSocketHandlerTrackingPostProcessor extends AbstractAdvisingBeanPostProcessor {

	WebSocketHandlerTrackingPostProcessor(WebSocketSessionTracker tracker) {
		this.advisor = new DefaultPointcutAdvisor(new SessionCallbackPointcut(), tracker);
		setProxyTargetClass(true);
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		return !Modifier.isFinal(targetClass.getModifiers()) && super.isEligible(targetClass);
	}

	/**
	 * Matches {@link WebSocketHandler#afterConnectionEstablished} and
	 * {@link WebSocketHandler#afterConnectionClosed} of application handlers.
	 */
	private static final class SessionCallbackPointcut extends StaticMethodMatcherPointcut {

		SessionCallbackPointcut() {
			setClassFilter((type) -> WebSocketHandler.class.isAssignableFrom(type)
					&& !type.getName().startsWith("org.springframework."));
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			String name = method.getName();
			return ("afterConnectionEstablished".equals(name) && method.getParameterCount() == 1)
					|| ("afterConnectionClosed".equals(name) && method.getParameterCount() == 2);
		}

	}

}
