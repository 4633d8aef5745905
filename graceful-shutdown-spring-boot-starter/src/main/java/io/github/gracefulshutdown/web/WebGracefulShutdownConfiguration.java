package io.github.gracefulshutdown.web;

import java.util.ArrayList;
import java.util.List;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.autoconfigure.BuildTimeSwitches;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;

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
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.socket.WebSocketHandler;

/**
 * Configuration of the graceful shutdown of servlet web applications, imported by
 * {@link GracefulShutdownAutoConfiguration}: in-flight request tracking,
 * {@code Connection: close} during the shutdown, the end of long-lived requests in
 * {@link GracefulShutdownPhases#LONG_LIVED_REQUESTS} and the timing of Spring Boot's web
 * server drain around {@link GracefulShutdownPhases#WEB_SERVER_GRACEFUL_SHUTDOWN}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ OncePerRequestFilter.class, WebServerApplicationContext.class })
@Import(HttpDrainConfiguration.class)
public final class WebGracefulShutdownConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownRequestFilter")
	ShutdownRequestFilter gracefulShutdownRequestFilter(ShutdownCoordinator coordinator,
			GracefulShutdownProperties properties, Environment environment) {
		return new ShutdownRequestFilter(coordinator, properties.getWeb().isConnectionClose(),
				probeAndScrapePaths(environment));
	}

	// Actuator endpoints (on the main port) and Spring Boot's probe paths: probes and
	// scrapes reach the instance directly, so they say nothing about load balancers.
	// The dispatcher servlet serves both, so they are below its path
	private static List<String> probeAndScrapePaths(Environment environment) {
		String servletPath = StringUtils.trimTrailingCharacter(environment.getProperty("spring.mvc.servlet.path", ""),
				'/');
		List<String> paths = new ArrayList<>(List.of(servletPath + "/livez", servletPath + "/readyz"));
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		if (StringUtils.hasText(basePath) && !"/".equals(basePath)) {
			paths.add(servletPath + basePath);
		}
		return paths;
	}

	// Ends event streams, WebSocket sessions and long polls when the HTTP drain starts,
	// unless graceful-shutdown.web.long-lived-requests=wait
	@Bean
	@ConditionalOnProperty(name = "graceful-shutdown.web.long-lived-requests", havingValue = "complete",
			matchIfMissing = true)
	@ConditionalOnMissingBean(name = "gracefulShutdownLongLivedConnections")
	LongLivedConnections gracefulShutdownLongLivedConnections(ShutdownCoordinator coordinator,
			ObjectProvider<ShutdownRequestFilter> requests, ObjectProvider<WebSocketSessions> webSocketSessions,
			GracefulShutdownProperties properties, Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOff(environment, "graceful-shutdown.web.long-lived-requests", "complete",
				"the end of long-lived requests");
		return new LongLivedConnections(coordinator, requests.getIfUnique(), webSocketSessions.orderedStream().toList(),
				properties.getWeb().getAsyncGracePeriod(), properties.getWeb().isConnectionClose());
	}

	/**
	 * Tracks the sessions of WebSocket handler beans, when spring-websocket is on the
	 * classpath and long-lived requests are ended.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebSocketHandler.class)
	@ConditionalOnProperty(name = "graceful-shutdown.web.long-lived-requests", havingValue = "complete",
			matchIfMissing = true)
	static class WebSocketSessionsConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static WebSocketSessionTracker gracefulShutdownWebSocketSessions() {
			return new WebSocketSessionTracker();
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static WebSocketHandlerTrackingPostProcessor gracefulShutdownWebSocketHandlerTrackingPostProcessor(
				WebSocketSessionTracker gracefulShutdownWebSocketSessions) {
			return new WebSocketHandlerTrackingPostProcessor(gracefulShutdownWebSocketSessions, WebSocketHandler.class,
					WebSocketSessionTracker::isSessionCallback);
		}

	}

}
