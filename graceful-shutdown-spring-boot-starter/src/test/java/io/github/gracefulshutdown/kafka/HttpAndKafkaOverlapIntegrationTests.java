package io.github.gracefulshutdown.kafka;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.RecordingPhaseListener;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration test: the Kafka phase and the HTTP drain run at the same time, on a real
 * Tomcat and a real KRaft broker.
 */
@EmbeddedKafka(partitions = 1)
class HttpAndKafkaOverlapIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void inFlightRequestAndRecordInProgressFinishInParallel(EmbeddedKafkaBroker broker) throws Exception {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
						ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
						ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
			producer.send(new ProducerRecord<>("overlap", "order-0")).get(30, TimeUnit.SECONDS);
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(OverlapApplication.class).run(
				"--server.port=0", "--spring.main.banner-mode=off",
				"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
				"--spring.kafka.consumer.auto-offset-reset=earliest");
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			SlowWork work = context.getBean(SlowWork.class);
			RecordingPhaseListener phases = context.getBean(RecordingPhaseListener.class);
			InFlightRequests inFlight = context.getBean(InFlightRequests.class);
			// The record first (the consumer may take a while to join its group), then
			// the request, so that both have most of their work ahead when the
			// shutdown starts
			assertThat(work.recordStarted.await(60, TimeUnit.SECONDS)).isTrue();
			HttpClient client = HttpClient.newHttpClient();
			CompletableFuture<HttpResponse<String>> response = client.sendAsync(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
					BodyHandlers.ofString());
			await().atMost(WAIT).until(() -> inFlight.count() == 1);

			context.close();

			assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			assertThat(work.recordDone.getCount()).isZero();
			assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.HTTP, ShutdownOutcome.COMPLETED)
				.containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.COMPLETED);
			// Each phase started before the other one ended: they ran at the same time
			assertThat(phases.started.get(ShutdownPhaseNames.KAFKA))
				.isBefore(phases.ended.get(ShutdownPhaseNames.HTTP));
			assertThat(phases.started.get(ShutdownPhaseNames.HTTP))
				.isBefore(phases.ended.get(ShutdownPhaseNames.KAFKA));
			// Each phase waited for its work (3 s and 4 s from their start), not just
			// a moment
			assertThat(phases.durations.get(ShutdownPhaseNames.HTTP)).isGreaterThan(Duration.ofSeconds(1));
			assertThat(phases.durations.get(ShutdownPhaseNames.KAFKA)).isGreaterThan(Duration.ofSeconds(1));
		}
		finally {
			context.close();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class OverlapApplication {

		@Bean
		SlowWork slowWork() {
			return new SlowWork();
		}

		@Bean
		RecordingPhaseListener recordingPhaseListener() {
			return new RecordingPhaseListener();
		}

	}

	@RestController
	static class SlowWork {

		final CountDownLatch recordStarted = new CountDownLatch(1);

		final CountDownLatch recordDone = new CountDownLatch(1);

		@GetMapping("/slow")
		String slow(@RequestParam(defaultValue = "3000") long ms) throws InterruptedException {
			Thread.sleep(ms);
			return "done";
		}

		@KafkaListener(topics = "overlap", groupId = "overlap")
		void process(ConsumerRecord<String, String> record) throws InterruptedException {
			this.recordStarted.countDown();
			Thread.sleep(4000);
			this.recordDone.countDown();
		}

	}

}
