package io.github.gracefulshutdown.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.StreamUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the IDE metadata generated from {@link GracefulShutdownProperties} and
 * {@code additional-spring-configuration-metadata.json}.
 */
class ConfigurationMetadataTests {

	@Test
	void everyKeyHasADescription() throws IOException {
		List<Map<String, Object>> properties = properties();
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("graceful-shutdown.enabled", "graceful-shutdown.timeout", "graceful-shutdown.propagation-delay",
					"graceful-shutdown.web.connection-close", "graceful-shutdown.force-exit.on-timeout",
					"graceful-shutdown.force-exit.on-second-signal", "graceful-shutdown.metrics.enabled",
					"graceful-shutdown.metrics.buckets", "graceful-shutdown.metrics.defer-registry-close",
					"graceful-shutdown.kafka.enabled", "graceful-shutdown.kafka.timeout",
					"graceful-shutdown.kafka.on-timeout", "graceful-shutdown.scheduling.enabled",
					"graceful-shutdown.scheduling.timeout", "graceful-shutdown.shutdown-signal.fires",
					"graceful-shutdown.propagation-quiet-period", "graceful-shutdown.propagation-min-delay",
					"graceful-shutdown.web.long-lived-requests", "graceful-shutdown.web.async-grace-period",
					"management.endpoint.gracefulshutdown.access");
		assertThat(properties).allSatisfy((property) -> {
			assertThat((String) property.get("name"))
				.matches("graceful-shutdown\\..+|management\\.endpoint\\.gracefulshutdown\\..+");
			assertThat((String) property.get("description")).as("description of %s", property.get("name"))
				.isNotBlank()
				.endsWith(".");
		});
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> properties() throws IOException {
		ClassPathResource resource = new ClassPathResource("META-INF/spring-configuration-metadata.json");
		try (InputStream input = resource.getInputStream()) {
			Map<String, Object> metadata = JsonParserFactory.getJsonParser()
				.parseMap(StreamUtils.copyToString(input, StandardCharsets.UTF_8));
			return (List<Map<String, Object>>) metadata.get("properties");
		}
	}

}
