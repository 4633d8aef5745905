package io.github.gracefulshutdown.web;

import java.util.ArrayList;
import java.util.List;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownMarkerLifecycle;
import io.github.gracefulshutdown.autoconfigure.BuildTimeSwitches;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties.LongLivedRequests;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.web.server.WebFilter;

/**
 * Configuration of the graceful shutdown of reactive web applications (Spring WebFlux),
 * imported by {@link GracefulShutdownAutoConfiguration}: in-flight request tracking,
 * {@code Connection: close} during the shutdown on Reactor Netty and Tomcat, the end of
 * event streams and WebSocket sessions in
 * {@link GracefulShutdownPhases#LONG_LIVED_REQUESTS} and the timing of Spring Boot's web
 * server drain. Other long-lived requests (long polls) are in-flight requests that the
 * drain waits for, within the budget.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ WebFilter.class, WebServerApplicationContext.class })
@Import(HttpDrainConfiguration.class)
public final class ReactiveWebGracefulShutdownConfiguration {

	private static final Log logger = LogFactory.getLog(ReactiveWebGracefulShutdownConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownWebFilter")
	ShutdownWebFilter gracefulShutdownWebFilter(ShutdownCoordinator coordinator, GracefulShutdownProperties properties,
			ObjectProvider<ReactiveWebSocketSessionTracker> webSocketSessions, Environment environment) {
		return new ShutdownWebFilter(coordinator, properties.getWeb().isConnectionClose(),
				probeAndScrapePaths(environment),
				properties.getWeb().getLongLivedRequests() == LongLivedRequests.COMPLETE,
				() -> openSessions(webSocketSessions.getIfAvailable()));
	}

	private static int openSessions(@Nullable ReactiveWebSocketSessionTracker webSocketSessions) {
		return (webSocketSessions != null) ? webSocketSessions.countHoldingTheDrain() : 0;
	}

	// Ends event streams and closes WebSocket sessions when the HTTP drain starts,
	// unless graceful-shutdown.web.long-lived-requests=wait
	@Bean
	@ConditionalOnProperty(name = "graceful-shutdown.web.long-lived-requests", havingValue = "complete",
			matchIfMissing = true)
	@ConditionalOnMissingBean(name = "gracefulShutdownLongLivedConnections")
	ShutdownMarkerLifecycle gracefulShutdownLongLivedConnections(ShutdownCoordinator coordinator,
			ObjectProvider<ShutdownWebFilter> webFilter, ObjectProvider<WebSocketSessions> webSocketSessions,
			Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOff(environment, "graceful-shutdown.web.long-lived-requests", "complete",
				"the end of long-lived requests");
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.LONG_LIVED_REQUESTS, coordinator,
				() -> endLongLivedRequests(webFilter.getIfUnique(), webSocketSessions.orderedStream().toList()));
	}

	private static void endLongLivedRequests(@Nullable ShutdownWebFilter webFilter,
			List<WebSocketSessions> webSocketSessions) {
		int streams = (webFilter != null) ? webFilter.endEventStreams() : 0;
		int sessions = webSocketSessions.stream().mapToInt(WebSocketSessions::closeAll).sum();
		if (streams + sessions > 0) {
			logger.info("Ended " + streams + " event stream(s) and closed " + sessions
					+ " WebSocket session(s) before the HTTP drain");
		}
		else {
			logger.debug("No event stream or WebSocket session to end before the HTTP drain");
		}
	}

	// Actuator endpoints (on the main port) and Spring Boot's probe paths, within the
	// application (spring.webflux.base-path is not part of the path the filter sees)
	private static List<String> probeAndScrapePaths(Environment environment) {
		List<String> paths = new ArrayList<>(List.of("/livez", "/readyz"));
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		if (StringUtils.hasText(basePath) && !"/".equals(basePath)) {
			paths.add(basePath);
		}
		return paths;
	}

	/**
	 * Tracks the sessions of Spring WebFlux WebSocket handler beans: they count as
	 * in-flight requests, and are closed when long-lived requests are ended.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(org.springframework.web.reactive.socket.WebSocketHandler.class)
	static class WebSocketSessionsConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static ReactiveWebSocketSessionTracker gracefulShutdownWebSocketSessions() {
			return new ReactiveWebSocketSessionTracker();
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static WebSocketHandlerTrackingPostProcessor gracefulShutdownWebSocketHandlerTrackingPostProcessor(
				ReactiveWebSocketSessionTracker gracefulShutdownWebSocketSessions) {
			return new WebSocketHandlerTrackingPostProcessor(gracefulShutdownWebSocketSessions,
					org.springframework.web.reactive.socket.WebSocketHandler.class,
					ReactiveWebSocketSessionTracker::isSessionCallback);
		}

	}

}
