package io.github.gracefulshutdown.web;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownMarkerLifecycle;
import io.github.gracefulshutdown.autoconfigure.ShutdownBudget;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.env.Environment;

/**
 * The timing of Spring Boot's web server drain as phase {@code http}, for servlet and
 * reactive web applications alike. Imported by {@link WebGracefulShutdownConfiguration}
 * and {@link ReactiveWebGracefulShutdownConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class HttpDrainConfiguration {

	// The drain ends in its own lifecycle phase, HTTP_DRAIN_END
	@Bean
	@ConditionalOnMissingBean(name = "gracefulShutdownHttpDrain")
	HttpDrain gracefulShutdownHttpDrain(ShutdownCoordinator coordinator, ShutdownBudget budget,
			ObjectProvider<InFlightRequests> inFlightRequests,
			ObjectProvider<DefaultLifecycleProcessor> lifecycleProcessor, Environment environment) {
		boolean immediate = "immediate".equalsIgnoreCase(environment.getProperty("server.shutdown", "graceful"));
		return new HttpDrain(coordinator, inFlightRequests.getIfUnique(), immediate, lifecycleProcessor,
				budget.closeReserve());
	}

	@Bean
	ShutdownMarkerLifecycle gracefulShutdownHttpDrainStart(ShutdownCoordinator coordinator, HttpDrain httpDrain) {
		return new ShutdownMarkerLifecycle(GracefulShutdownPhases.HTTP_DRAIN_START, coordinator, httpDrain::begin);
	}

}
