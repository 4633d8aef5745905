package io.github.gracefulshutdown.web;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Predicate;

import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Advises every WebSocket handler bean with a session tracker, so that its sessions can
 * be closed when the HTTP drain starts: {@link WebSocketSessionTracker} for the handlers
 * of Spring's servlet WebSocket support, {@link ReactiveWebSocketSessionTracker} for
 * those of Spring WebFlux. Neither has a hook that sees every session, so the handlers
 * are proxied, by class, as {@code @Async} and {@code @Validated} beans are: the bean
 * keeps its type.
 * <p>
 * Spring's own handlers are left alone (the STOMP {@code SubProtocolWebSocketHandler}
 * closes its sessions with status 1001 itself when it stops), and so are final classes,
 * which cannot be proxied by class. Handlers that are not beans are not seen.
 */
final class WebSocketHandlerTrackingPostProcessor extends AbstractAdvisingBeanPostProcessor {

	/**
	 * Create a new post-processor.
	 * @param tracker the tracker that the session callbacks go through
	 * @param handlerType the type of the handlers to advise
	 * @param sessionCallback whether a method of a handler is one of the callbacks that
	 * the tracker sees
	 */
	WebSocketHandlerTrackingPostProcessor(MethodInterceptor tracker, Class<?> handlerType,
			Predicate<Method> sessionCallback) {
		this.advisor = new DefaultPointcutAdvisor(new SessionCallbackPointcut(handlerType, sessionCallback), tracker);
		setProxyTargetClass(true);
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		return !Modifier.isFinal(targetClass.getModifiers()) && super.isEligible(targetClass);
	}

	/**
	 * Matches the session callbacks of application handlers.
	 */
	private static final class SessionCallbackPointcut extends StaticMethodMatcherPointcut {

		private final Predicate<Method> sessionCallback;

		SessionCallbackPointcut(Class<?> handlerType, Predicate<Method> sessionCallback) {
			this.sessionCallback = sessionCallback;
			setClassFilter(
					(type) -> handlerType.isAssignableFrom(type) && !type.getName().startsWith("org.springframework."));
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.sessionCallback.test(method);
		}

	}

}
