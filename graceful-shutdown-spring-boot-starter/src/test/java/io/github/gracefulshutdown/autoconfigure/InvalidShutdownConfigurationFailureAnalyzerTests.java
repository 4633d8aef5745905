package io.github.gracefulshutdown.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link InvalidShutdownConfigurationFailureAnalyzer}.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidShutdownConfigurationFailureAnalyzerTests {

	@Test
	void analysisNamesKeyValueAndValidValue() {
		FailureAnalysis analysis = new InvalidShutdownConfigurationFailureAnalyzer()
			.analyze(new IllegalStateException("wrapped", new InvalidShutdownConfigurationException(
					"graceful-shutdown.timeout", "-1s", "the shutdown budget must be positive", "25s")));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Property: graceful-shutdown.timeout")
			.contains("Value: \"-1s\"")
			.contains("Reason: the shutdown budget must be positive");
		assertThat(analysis.getAction()).isEqualTo(
				"Update your application's configuration: set 'graceful-shutdown.timeout' to a valid value, for example 25s.");
	}

	@Test
	void failedStartupReportsTheAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--graceful-shutdown.timeout=20s",
				"--graceful-shutdown.propagation-delay=21s", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid graceful shutdown configuration")
			.contains("Property: graceful-shutdown.propagation-delay")
			.contains("Value: \"21s\"")
			.contains("set 'graceful-shutdown.propagation-delay' to a valid value, for example 4s");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

}
