package io.github.gracefulshutdown.actuate;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.SignalForceExit;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configuration of the {@link GracefulShutdownEndpoint}, imported by
 * {@link GracefulShutdownAutoConfiguration}. Like Spring Boot's own endpoints, it is only
 * available when exposed, for example with
 * {@code management.endpoints.web.exposure.include=gracefulshutdown}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
public final class GracefulShutdownEndpointConfiguration {

	// The endpoint condition is on the method, not the class, so that it is only read
	// once the class condition has found Spring Boot's actuator on the classpath
	@Bean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnMissingBean
	GracefulShutdownEndpoint gracefulShutdownEndpoint(ShutdownCoordinator coordinator, ShutdownBudget budget,
			GracefulShutdownProperties properties, ObjectProvider<SignalForceExit> signalForceExit,
			ObjectProvider<LifecycleProperties> lifecycleProperties,
			ObjectProvider<InFlightRequests> inFlightRequests) {
		SignalForceExit forceExit = signalForceExit.getIfAvailable();
		return new GracefulShutdownEndpoint(coordinator, budget, properties,
				forceExit != null && forceExit.isInstalled(),
				lifecycleProperties.getIfAvailable(LifecycleProperties::new).getTimeoutPerShutdownPhase(),
				inFlightRequests.getIfUnique());
	}

}
