package io.github.gracefulshutdown.actuate;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.SignalForceExit;
import io.github.gracefulshutdown.autoconfigure.ConditionalOnGracefulShutdownEnabled;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownProperties;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the
 * {@link GracefulShutdownEndpoint}. Like Spring Boot's own endpoints, it is only
 * available when exposed, for example with
 * {@code management.endpoints.web.exposure.include=gracefulshutdown}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { GracefulShutdownAutoConfiguration.class, LifecycleAutoConfiguration.class })
@ConditionalOnGracefulShutdownEnabled
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
public final class GracefulShutdownEndpointAutoConfiguration {

	// The endpoint condition is on the method, not the class, so that it is only read
	// once the class condition has found Spring Boot's actuator on the classpath
	@Bean
	@ConditionalOnAvailableEndpoint
	@ConditionalOnBean({ ShutdownCoordinator.class, ShutdownBudget.class })
	@ConditionalOnMissingBean
	GracefulShutdownEndpoint gracefulShutdownEndpoint(ShutdownCoordinator coordinator, ShutdownBudget budget,
			GracefulShutdownProperties properties, ObjectProvider<SignalForceExit> signalForceExit,
			ObjectProvider<LifecycleProperties> lifecycleProperties,
			ObjectProvider<InFlightRequests> inFlightRequests) {
		return new GracefulShutdownEndpoint(coordinator, budget, properties, signalForceExit.getIfAvailable() != null,
				lifecycleProperties.getIfAvailable(LifecycleProperties::new).getTimeoutPerShutdownPhase(),
				inFlightRequests.getIfUnique());
	}

}
