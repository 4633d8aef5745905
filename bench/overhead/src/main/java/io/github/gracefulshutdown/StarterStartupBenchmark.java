package io.github.gracefulshutdown;

import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.web.context.servlet.AnnotationConfigServletWebApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockServletContext;

/**
 * The starter's share of an application's startup, in a cold JVM: the refresh of a servlet
 * web application context with Spring Boot's lifecycle and availability
 * auto-configurations and a meter registry, with and without the starter's
 * auto-configuration (with its web, metrics and scheduling parts). Every fork is a new JVM that refreshes one
 * context once, so the difference includes loading the starter's classes, evaluating its
 * conditions, binding its properties and creating its beans and meters. No web server
 * runs and nothing else differs, so the difference is an upper bound of what the starter
 * adds to the startup of a real application (where Spring Boot has already loaded the
 * classes the two share).
 * <p>
 * Closing the context (outside the measurement) runs the starter's shutdown too.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(20)
@State(Scope.Thread)
public class StarterStartupBenchmark {

	private static final Class<?>[] BASE = { LifecycleAutoConfiguration.class,
			ApplicationAvailabilityAutoConfiguration.class, MeterRegistryConfiguration.class };

	// It imports its web, metrics and scheduling parts (Kafka and the actuator are not on
	// this classpath)
	private static final Class<?>[] STARTER = { GracefulShutdownAutoConfiguration.class };

	private AnnotationConfigServletWebApplicationContext context;

	@Benchmark
	public Object withoutStarter() {
		return refresh(false);
	}

	@Benchmark
	public Object withStarter() {
		return refresh(true);
	}

	private Object refresh(boolean starter) {
		AnnotationConfigServletWebApplicationContext context = new AnnotationConfigServletWebApplicationContext();
		context.setServletContext(new MockServletContext());
		// In the order Spring Boot sorts them: the starter's after Boot's
		context.register(BASE);
		if (starter) {
			context.register(STARTER);
		}
		context.refresh();
		this.context = context;
		return context.getBeanDefinitionNames();
	}

	@TearDown(Level.Invocation)
	public void close() {
		if (this.context != null) {
			this.context.close();
			this.context = null;
		}
	}

	/**
	 * A meter registry, as actuator would provide one.
	 */
	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
