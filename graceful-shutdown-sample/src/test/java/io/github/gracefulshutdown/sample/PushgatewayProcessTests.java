package io.github.gracefulshutdown.sample;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process-level test: the shutdown phase timings of the sample reach a real Prometheus
 * Pushgateway through Spring Boot's shutdown push.
 */
@Timeout(180)
class PushgatewayProcessTests {

	private static final Path LOGS = Path.of("target", "process-tests");

	private Pushgateway pushgateway;

	private SampleApplicationProcess application;

	@AfterEach
	void stop() {
		if (this.application != null) {
			this.application.close();
		}
		if (this.pushgateway != null) {
			this.pushgateway.close();
		}
	}

	@Test
	void shutdownPushCarriesEveryPhaseTiming() throws Exception {
		this.pushgateway = Pushgateway.start(LOGS.resolve("pushgateway.log"));
		this.application = SampleApplicationProcess.start(LOGS.resolve("shutdownPushCarriesEveryPhaseTiming.log"),
				"--graceful-shutdown.propagation-delay=1s",
				"--management.prometheus.metrics.export.pushgateway.enabled=true",
				"--management.prometheus.metrics.export.pushgateway.address=" + this.pushgateway.address(),
				"--management.prometheus.metrics.export.pushgateway.shutdown-operation=put",
				"--management.prometheus.metrics.export.pushgateway.push-rate=1h",
				"--management.prometheus.metrics.export.pushgateway.job=graceful-shutdown-sample",
				SampleApplicationShutdownProcessTests.NO_ORDERS);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpRequest ready = HttpRequest.newBuilder(this.application.uri("/actuator/health/readiness")).build();
		assertThat(client.send(ready, BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		CompletableFuture<HttpResponse<String>> inFlight = client
			.sendAsync(HttpRequest.newBuilder(this.application.uri("/work?ms=1500")).build(), BodyHandlers.ofString());
		this.application.awaitLog(Duration.ofSeconds(20), "GET \"/work?ms=1500\"");
		this.application.sigterm();
		assertThat(this.application.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
		assertThat(inFlight.join().statusCode()).isEqualTo(200);

		String metrics = this.pushgateway.metrics();
		assertThat(metrics).contains("# TYPE shutdown_phase_duration_seconds histogram");
		for (String phase : new String[] { "readiness", "propagation", "http", "total" }) {
			assertThat(sample(metrics, "shutdown_phase_duration_seconds_count", phase, "completed")).as(phase)
				.isEqualTo(1.0);
			assertThat(sample(metrics, "shutdown_phase_duration_seconds_bucket", phase, "completed", "le=\"+Inf\""))
				.as(phase)
				.isEqualTo(1.0);
		}
		assertThat(sample(metrics, "shutdown_phase_duration_seconds_sum", "propagation", "completed"))
			.isGreaterThanOrEqualTo(1.0);
		assertThat(sample(metrics, "shutdown_phase_duration_seconds_sum", "http", "completed")).isGreaterThan(0.0);
		assertThat(sample(metrics, "shutdown_phase_duration_seconds_sum", "total", "completed"))
			.isGreaterThanOrEqualTo(1.0);
		assertThat(sample(metrics, "shutdown_phase_duration_seconds_count", "http", "timed_out")).isZero();
	}

	private static double sample(String metrics, String name, String phase, String outcome, String... labels) {
		StringBuilder pattern = new StringBuilder("(?m)^").append(Pattern.quote(name))
			.append("\\{(?=[^}]*phase=\"")
			.append(phase)
			.append("\")(?=[^}]*outcome=\"")
			.append(outcome)
			.append("\")");
		for (String label : labels) {
			pattern.append("(?=[^}]*").append(Pattern.quote(label)).append(")");
		}
		pattern.append("[^}]*\\} (\\S+)$");
		Matcher matcher = Pattern.compile(pattern.toString()).matcher(metrics);
		assertThat(matcher.find()).as("%s{phase=%s,outcome=%s} in%n%s", name, phase, outcome, metrics).isTrue();
		return Double.parseDouble(matcher.group(1));
	}

}
