package io.github.gracefulshutdown.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.RecordingPhaseListener;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ShareKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultShareConsumerFactory;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the Kafka phase with a listener of a share group (KIP-932), whose
 * container stops only once every record of its poll is processed, against a real KRaft
 * broker.
 */
@ExtendWith(OutputCaptureExtension.class)
@EmbeddedKafka(partitions = 1, brokerProperties = { "share.coordinator.state.topic.replication.factor=1",
		"share.coordinator.state.topic.min.isr=1" })
class KafkaShareGroupGracefulShutdownIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private EmbeddedKafkaBroker broker;

	private ConfigurableApplicationContext context;

	private ShareWorker worker;

	@BeforeEach
	void setBroker(EmbeddedKafkaBroker broker) {
		this.broker = broker;
	}

	@AfterEach
	void closeContext() {
		if (this.worker != null) {
			this.worker.release.countDown();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void shareListenerSlowerThanTheKafkaTimeoutIsAbandonedWithoutHoldingTheShutdown(CapturedOutput output)
			throws Exception {
		String topic = "share-slow";
		String group = "share-workers-slow";
		produce(topic, 3);
		this.context = start(topic, group, "--graceful-shutdown.kafka.timeout=2s", "--worker.slow-order=order-1");
		this.worker = this.context.getBean(ShareWorker.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		await().atMost(WAIT).until(() -> this.worker.started.contains("order-1"));

		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		// The listener waits up to 60 s: the phases do not wait for it past the Kafka
		// timeout (2 s), and the other containers and participants are not held by its
		// stop. Spring Kafka's destruction of the container still waits for it, within
		// the budget that the watchdog enforces
		await().atMost(Duration.ofSeconds(30)).until(() -> phases.outcomes.containsKey(ShutdownPhaseNames.TOTAL));
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.TIMED_OUT);
		assertThat(phases.durations.get(ShutdownPhaseNames.KAFKA)).isLessThan(Duration.ofSeconds(20));
		assertThat(output).contains("Kafka share group listeners still busy after 2000 ms, abandoning 1 container(s)")
			.doesNotContain("interrupted 0 listener thread(s)");
		assertThat(this.worker.processed).containsExactly("order-0");

		// Not interrupted: the broker would accept the record whose listener failed
		this.worker.release.countDown();
		closed.get(60, TimeUnit.SECONDS);
		assertThat(this.worker.processed).contains("order-1");
		assertThat(this.worker.interrupted).isEmpty();
	}

	@Test
	void shareListenerIsWaitedForUntilItHasProcessedItsPoll() throws Exception {
		String topic = "share-stop";
		String group = "share-workers-stop";
		produce(topic, 3);
		this.context = start(topic, group, "--graceful-shutdown.kafka.timeout=20s");
		this.worker = this.context.getBean(ShareWorker.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		await().atMost(WAIT).until(() -> !this.worker.started.isEmpty());

		this.context.close();
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.COMPLETED);
		// Every record it started was finished before the phase ended, and its consumer
		// had stopped
		assertThat(this.worker.processed).isNotEmpty().containsExactlyElementsOf(this.worker.started);
		assertThat(this.worker.consumersStopped).hasSize(1);
		assertThat(this.worker.interrupted).isEmpty();
	}

	private ConfigurableApplicationContext start(String topic, String group, String... args) throws Exception {
		earliestFirstOffset(group);
		String[] common = { "--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(),
				"--spring.main.banner-mode=off", "--worker.topic=" + topic, "--worker.group=" + group,
				"--graceful-shutdown.propagation-delay=0s", "--graceful-shutdown.force-exit.on-timeout=false" };
		String[] all = StringUtils.concatenateStringArrays(common, args);
		return new SpringApplicationBuilder(ShareWorkerApplication.class).web(WebApplicationType.NONE).run(all);
	}

	// A share group starts at the latest offset unless told otherwise
	private void earliestFirstOffset(String group) throws Exception {
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
			AlterConfigOp earliest = new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
					AlterConfigOp.OpType.SET);
			admin
				.incrementalAlterConfigs(
						Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(earliest)))
				.all()
				.get(30, TimeUnit.SECONDS);
		}
	}

	private void produce(String topic, int count) throws Exception {
		Orders.produce(this.broker, topic, count);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ShareWorkerApplication {

		// Spring Boot 4.1 does not configure share groups: an application declares the
		// container factory
		@Bean
		ShareKafkaListenerContainerFactory<String, String> shareKafkaListenerContainerFactory(
				@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers) {
			return new ShareKafkaListenerContainerFactory<>(
					new DefaultShareConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
							ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
							ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)));
		}

		@Bean
		ShareWorker shareWorker() {
			return new ShareWorker();
		}

		@Bean
		RecordingPhaseListener recordingPhaseListener() {
			return new RecordingPhaseListener();
		}

	}

	static class ShareWorker {

		final List<String> started = new CopyOnWriteArrayList<>();

		final List<String> processed = new CopyOnWriteArrayList<>();

		final List<String> interrupted = new CopyOnWriteArrayList<>();

		final List<ConsumerStoppedEvent> consumersStopped = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		@Value("${worker.slow-order:none}")
		private String slowOrder;

		@KafkaListener(topics = "${worker.topic}", groupId = "${worker.group}",
				containerFactory = "shareKafkaListenerContainerFactory")
		void process(ConsumerRecord<String, String> record) throws InterruptedException {
			this.started.add(record.value());
			try {
				if (record.value().equals(this.slowOrder)) {
					this.release.await(60, TimeUnit.SECONDS);
				}
				else {
					this.release.await(300, TimeUnit.MILLISECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.interrupted.add(record.value());
				throw ex;
			}
			this.processed.add(record.value());
		}

		@EventListener
		void consumerStopped(ConsumerStoppedEvent event) {
			this.consumersStopped.add(event);
		}

	}

}
