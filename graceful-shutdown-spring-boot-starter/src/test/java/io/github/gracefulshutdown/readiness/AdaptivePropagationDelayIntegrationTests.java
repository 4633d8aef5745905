package io.github.gracefulshutdown.readiness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the adaptive propagation delay
 * ({@code graceful-shutdown.propagation-quiet-period}) of
 * {@link PropagationDelayListener} on a real Tomcat.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdaptivePropagationDelayIntegrationTests {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();

	private final AtomicInteger served = new AtomicInteger();

	private ConfigurableApplicationContext context;

	private MeterRegistry registry;

	@AfterEach
	void stop() throws InterruptedException {
		this.traffic.shutdownNow();
		assertThat(this.traffic.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void delayEndsEarlyWhenNoRequestArrives(CapturedOutput output) {
		start("--graceful-shutdown.propagation-delay=10s", "--graceful-shutdown.propagation-quiet-period=300ms");
		this.context.close();
		assertThat(propagationMillis()).isGreaterThanOrEqualTo(290).isLessThan(5000);
		assertThat(output).contains("No new HTTP request for 300 ms, ending the propagation delay after")
			.contains("propagation delay 10000 ms at most, quiet period 300 ms");
	}

	@Test
	void delayWaitsForTheFullBoundUnderSteadyTraffic() {
		// A quiet period far longer than the gaps between requests, so that a stall of
		// a loaded machine does not end the delay
		int port = start("--graceful-shutdown.propagation-delay=3s",
				"--graceful-shutdown.propagation-quiet-period=1500ms");
		sendEvery50Millis(port, "/ping");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.served.get() >= 5);
		int servedBeforeClose = this.served.get();
		this.context.close();
		assertThat(propagationMillis()).isGreaterThanOrEqualTo(2900);
		assertThat(this.served.get() - servedBeforeClose).isGreaterThan(5);
	}

	@Test
	void probesDoNotKeepTheDelayGoing() {
		int port = start("--graceful-shutdown.propagation-delay=10s",
				"--graceful-shutdown.propagation-quiet-period=300ms",
				"--management.endpoints.web.exposure.include=health");
		sendEvery50Millis(port, "/actuator/health/readiness");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.served.get() >= 5);
		this.context.close();
		assertThat(propagationMillis()).isLessThan(5000);
	}

	@Test
	void delayDoesNotEndBeforeTheMinimum() {
		start("--graceful-shutdown.propagation-delay=10s", "--graceful-shutdown.propagation-quiet-period=200ms",
				"--graceful-shutdown.propagation-min-delay=1500ms");
		this.context.close();
		assertThat(propagationMillis()).isGreaterThanOrEqualTo(1490).isLessThan(5000);
	}

	@Test
	void withoutQuietPeriodTheDelayIsFixed() {
		start("--graceful-shutdown.propagation-delay=1500ms");
		this.context.close();
		assertThat(propagationMillis()).isGreaterThanOrEqualTo(1490);
	}

	private int start(String... args) {
		String[] all = Stream
			.concat(Stream.of(args), Stream.of("--server.port=0", "--spring.main.banner-mode=off",
					"--graceful-shutdown.force-exit.on-timeout=false"))
			.toArray(String[]::new);
		this.context = new SpringApplicationBuilder(PingApplication.class).run(all);
		this.registry = this.context.getBean(MeterRegistry.class);
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	// Requests go on until the test ends; once the connector is paused they fail, which
	// is expected
	private void sendEvery50Millis(int port, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(2))
			.build();
		this.traffic.scheduleAtFixedRate(() -> {
			try {
				this.client.send(request, BodyHandlers.discarding());
				this.served.incrementAndGet();
			}
			catch (Exception ex) {
				// Refused once the drain has started
			}
		}, 0, 50, TimeUnit.MILLISECONDS);
	}

	private double propagationMillis() {
		return this.registry.get("shutdown.phase.duration")
			.tags("phase", "propagation", "outcome", "completed")
			.timer()
			.totalTime(TimeUnit.MILLISECONDS);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class PingApplication {

		@GetMapping("/ping")
		String ping() {
			return "pong";
		}

	}

}
