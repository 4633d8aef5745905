package io.github.gracefulshutdown.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.RecordingPhaseListener;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of application {@link ShutdownParticipant participants} stopping in
 * parallel with the HTTP drain of a real Tomcat.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownParticipantIntegrationTests {

	@Test
	void fastSlowAndFailingParticipantsRunWithTheDrainAndAreReported(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ParticipantsApplication.class).run(
				"--server.port=0", "--spring.main.banner-mode=off", "--graceful-shutdown.timeout=10s",
				"--graceful-shutdown.force-exit.on-timeout=false");
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			RecordingPhaseListener timeline = context.getBean(RecordingPhaseListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			ShutdownCoordinator coordinator = context.getBean(ShutdownCoordinator.class);
			InFlightRequests inFlight = context.getBean(InFlightRequests.class);
			CompletableFuture<HttpResponse<String>> request = HttpClient.newHttpClient()
				.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
						BodyHandlers.ofString());
			await().atMost(Duration.ofSeconds(30)).until(() -> inFlight.count() == 1);
			long start = System.nanoTime();
			context.close();
			Duration closing = Duration.ofNanos(System.nanoTime() - start);

			assertThat(request.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			assertThat(timeline.outcomes).containsEntry("fast", ShutdownOutcome.COMPLETED)
				.containsEntry("slow", ShutdownOutcome.TIMED_OUT)
				.containsEntry("failing", ShutdownOutcome.FAILED)
				.containsEntry("http", ShutdownOutcome.COMPLETED);
			// Both participants started before the HTTP drain ended, and the fast one
			// ended before the drain: they ran at the same time as the drain
			assertThat(timeline.started.get("fast")).isBefore(timeline.ended.get("http"));
			assertThat(timeline.started.get("slow")).isBefore(timeline.ended.get("http"));
			assertThat(timeline.ended.get("fast")).isBefore(timeline.ended.get("http"));
			assertThat(closing).isLessThan(Duration.ofSeconds(10));
			assertThat(coordinator.getReport().summary()).containsPattern("fast=\\d+ms completed")
				.containsPattern("slow=\\d+ms timed_out")
				.containsPattern("failing=\\d+ms failed");
			assertThat(registry.get("shutdown.phase.duration")
				.tags("phase", "fast", "outcome", "completed")
				.timer()
				.count()).isOne();
			assertThat(registry.get("shutdown.phase.duration")
				.tags("phase", "slow", "outcome", "timed_out")
				.timer()
				.count()).isOne();
			assertThat(registry.get("shutdown.phase.duration")
				.tags("phase", "failing", "outcome", "failed")
				.timer()
				.count()).isOne();
			assertThat(output).contains("Shutdown participant for phase 'failing' failed to stop");
		}
		finally {
			context.close();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class ParticipantsApplication {

		// Outlasts the fast participant (300 ms) by far, so that the drain still runs
		// when that participant ends
		@GetMapping("/slow")
		String slow() throws InterruptedException {
			Thread.sleep(3500);
			return "done";
		}

		@Bean
		RecordingPhaseListener recordingPhaseListener() {
			return new RecordingPhaseListener();
		}

		@Bean
		ShutdownParticipant fastParticipant() {
			return new DelayedParticipant("fast", Duration.ofMillis(300), null);
		}

		@Bean
		ShutdownParticipant slowParticipant() {
			return new DelayedParticipant("slow", Duration.ofSeconds(60), Duration.ofSeconds(2));
		}

		@Bean
		ShutdownParticipant failingParticipant() {
			return new ShutdownParticipant() {

				@Override
				public String getPhase() {
					return "failing";
				}

				@Override
				public void stop(ShutdownRequest request) {
					throw new IllegalStateException("cannot stop");
				}

			};
		}

	}

	static class DelayedParticipant implements ShutdownParticipant {

		private final String phase;

		private final Duration work;

		private final Duration timeout;

		DelayedParticipant(String phase, Duration work, Duration timeout) {
			this.phase = phase;
			this.work = work;
			this.timeout = timeout;
		}

		@Override
		public String getPhase() {
			return this.phase;
		}

		@Override
		public Duration getTimeout() {
			return this.timeout;
		}

		@Override
		public void stop(ShutdownRequest request) {
			CompletableFuture.delayedExecutor(this.work.toMillis(), TimeUnit.MILLISECONDS).execute(request::completed);
		}

	}

}
