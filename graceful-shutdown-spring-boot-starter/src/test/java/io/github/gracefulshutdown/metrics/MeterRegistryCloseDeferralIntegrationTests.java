package io.github.gracefulshutdown.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.logging.LoggingMeterRegistry;
import io.micrometer.core.instrument.logging.LoggingRegistryConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for {@link MeterRegistryCloseDeferral}: the final publish of a push
 * registry (Micrometer's {@link LoggingMeterRegistry}, a step registry) carries the
 * timings of every shutdown phase.
 */
class MeterRegistryCloseDeferralIntegrationTests {

	@Test
	void finalPublishOfAPushRegistryCarriesEveryPhase() {
		ConfigurableApplicationContext context = application().run("--graceful-shutdown.propagation-delay=200ms");
		PublishedLines published = context.getBean(PublishedLines.class);
		LoggingMeterRegistry registry = context.getBean(LoggingMeterRegistry.class);
		context.close();
		assertThat(registry.isClosed()).isTrue();
		assertThat(published.lines).anyMatch((line) -> isPhase(line, "readiness"))
			.anyMatch((line) -> isPhase(line, "propagation"))
			.anyMatch((line) -> isPhase(line, "total"));
	}

	@Test
	void withoutTheDeferralTheFinalPublishHappensBeforeThePhases() {
		ConfigurableApplicationContext context = application().run("--graceful-shutdown.propagation-delay=200ms",
				"--graceful-shutdown.metrics.defer-registry-close=false");
		PublishedLines published = context.getBean(PublishedLines.class);
		context.close();
		// Spring Boot closes the registries right after the propagation delay, before the
		// lifecycle phases and the total
		assertThat(published.lines).anyMatch((line) -> isPhase(line, "propagation"))
			.noneMatch((line) -> isPhase(line, "total"));
	}

	private static boolean isPhase(String line, String phase) {
		return line.startsWith("shutdown.phase.duration{") && line.contains("outcome=completed")
				&& line.contains("phase=" + phase + "}");
	}

	private SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(PushApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PushApplication {

		@Bean
		PublishedLines publishedLines() {
			return new PublishedLines();
		}

		@Bean
		LoggingMeterRegistry loggingMeterRegistry(PublishedLines publishedLines) {
			return LoggingMeterRegistry.builder(LoggingRegistryConfig.DEFAULT)
				.loggingSink(publishedLines.lines::add)
				.build();
		}

	}

	static class PublishedLines {

		final List<String> lines = new CopyOnWriteArrayList<>();

	}

}
