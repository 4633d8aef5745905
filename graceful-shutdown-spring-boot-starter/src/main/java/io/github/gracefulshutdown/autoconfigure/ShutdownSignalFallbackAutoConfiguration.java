package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;

import io.github.gracefulshutdown.MonotonicClock;
import io.github.gracefulshutdown.ShutdownSignal;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the {@link ShutdownSignal} when
 * the graceful shutdown is switched off ({@code graceful-shutdown.enabled=false}), so
 * that workers that inject the signal still start, and still stop: it fires when the
 * application context closes, with Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase} as the time left.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LifecycleAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful-shutdown.enabled", havingValue = false)
public final class ShutdownSignalFallbackAutoConfiguration {

	@Bean
	ShutdownSignal gracefulShutdownSignal(Environment environment) {
		BuildTimeSwitches.warnIfSwitchedOffAtBuildTime(environment);
		return new ShutdownSignal(ShutdownSignal.Moment.AT_SHUTDOWN_START, Duration.ZERO, MonotonicClock.system());
	}

	@Bean
	ApplicationListener<ContextClosedEvent> gracefulShutdownSignalOnClose(ConfigurableApplicationContext context,
			ShutdownSignal gracefulShutdownSignal, ObjectProvider<LifecycleProperties> lifecycleProperties) {
		Duration timeout = lifecycleProperties.getIfAvailable(LifecycleProperties::new).getTimeoutPerShutdownPhase();
		return (event) -> {
			if (event.getApplicationContext() == context) {
				gracefulShutdownSignal.shutdownStarted(MonotonicClock.system().instant().plus(timeout));
			}
		};
	}

}
