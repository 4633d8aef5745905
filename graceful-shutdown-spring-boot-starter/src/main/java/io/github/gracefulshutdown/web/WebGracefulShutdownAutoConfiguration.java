package io.github.gracefulshutdown.web;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownMarkerLifecycle;
import io.github.gracefulshutdown.autoconfigure.ConditionalOnGracefulShutdownEnabled;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the graceful shutdown of servlet
 * web applications: in-flight request tracking, {@code Connection: close} during the
 * shutdown and the timing of Spring Boot's web server drain around
 * {@link GracefulShutdownPhases#WEB_SERVER_GRACEFUL_SHUTDOWN}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulShutdownAutoConfiguration.class)
@ConditionalOnGracefulShutdownEnabled
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ OncePerRequestFilter.class, WebServerApplicationContext.class })
@ConditionalOnBean(ShutdownCoordinator.class)
public final class WebGracefulShutdownAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownRequestFilter")
	ShutdownRequestFilter gracefulShutdownRequestFilter(ShutdownCoordinator coordinator,
			GracefulShutdownProperties properties) {
		return new ShutdownRequestFilter(coordinator, properties.getWeb().isConnectionClose());
	}

	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownHttpDrain")
	HttpDrain gracefulShutdownHttpDrain(ShutdownCoordinator coordinator,
			ObjectProvider<InFlightRequests> inFlightRequests, Environment environment) {
		boolean immediate = "immediate".equalsIgnoreCase(environment.getProperty("server.shutdown", "graceful"));
		return new HttpDrain(coordinator, inFlightRequests.getIfUnique(), immediate);
	}

	@Bean
	ShutdownMarkerLifecycle gracefulShutdownHttpDrainStart(HttpDrain httpDrain) {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.HTTP_DRAIN_START, httpDrain::start);
	}

	@Bean
	ShutdownMarkerLifecycle gracefulShutdownHttpDrainEnd(HttpDrain httpDrain) {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.HTTP_DRAIN_END, httpDrain::end);
	}

}
