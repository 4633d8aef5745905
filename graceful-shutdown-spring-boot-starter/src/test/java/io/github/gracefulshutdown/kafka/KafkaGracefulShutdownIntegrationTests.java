package io.github.gracefulshutdown.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.gracefulshutdown.RecordingPhaseListener;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.util.StringUtils;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the Kafka phase of a non-web worker application against a real
 * KRaft broker.
 */
@ExtendWith(OutputCaptureExtension.class)
@EmbeddedKafka(partitions = 1)
class KafkaGracefulShutdownIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private EmbeddedKafkaBroker broker;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void setBroker(EmbeddedKafkaBroker broker) {
		this.broker = broker;
	}

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void listenerConsumesDuringTheDelayThenStopsAfterTheCurrentRecordAndCommits() throws Exception {
		String topic = "orders-stop";
		String group = "workers-stop";
		produce(topic, 30);
		// Two more records (300 ms each) are consumed well within the delay
		this.context = start(topic, group, "--graceful-shutdown.propagation-delay=4s");
		Worker worker = this.context.getBean(Worker.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		await().atMost(WAIT).until(() -> worker.processed.size() >= 2);

		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(coordinator::isShuttingDown);
		int atShutdownStart = worker.processed.size();
		await().atMost(WAIT).until(() -> worker.processed.size() > atShutdownStart + 1);
		assertThat(phases.started).doesNotContainKey(ShutdownPhaseNames.KAFKA);
		closed.get(60, TimeUnit.SECONDS);

		int processed = worker.processed.size();
		assertThat(processed).isLessThan(30);
		assertThat(worker.processed)
			.containsExactlyElementsOf(IntStream.range(0, processed).mapToObj((i) -> "order-" + i).toList());
		assertThat(committedOffset(group, topic)).isEqualTo(processed);
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.COMPLETED);
		assertThat(phases.started.get(ShutdownPhaseNames.KAFKA))
			.isAfterOrEqualTo(phases.ended.get(ShutdownPhaseNames.PROPAGATION));

		Redelivery redelivery = redeliveryToTheNextOwner(group, topic);
		assertThat(redelivery.after()).isLessThan(Duration.ofSeconds(10));
		assertThat(redelivery.first().offset()).isEqualTo(processed);
		assertThat(redelivery.first().value()).isEqualTo("order-" + processed);
	}

	@Test
	void listenerSlowerThanTheKafkaTimeoutIsInterruptedAndItsRecordIsNotCommitted(CapturedOutput output)
			throws Exception {
		String topic = "orders-slow";
		String group = "workers-slow";
		produce(topic, 5);
		this.context = start(topic, group, "--graceful-shutdown.propagation-delay=0s",
				"--graceful-shutdown.kafka.timeout=2s", "--worker.slow-order=order-2");
		Worker worker = this.context.getBean(Worker.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		await().atMost(WAIT).until(() -> worker.started.contains("order-2"));
		long start = System.nanoTime();
		this.context.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
		assertThat(worker.processed).containsExactly("order-0", "order-1");
		assertThat(committedOffset(group, topic)).isEqualTo(2);
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.TIMED_OUT);
		assertThat(output).contains("Kafka listeners still busy after 2000 ms, interrupted 1 listener thread(s)")
			.doesNotContain("Error handler threw an exception");
	}

	@Test
	void recordCutByTheInterruptIsRedeliveredEvenWhenTheErrorHandlerDoesNotRetry(CapturedOutput output)
			throws Exception {
		String topic = "orders-no-retries";
		String group = "workers-no-retries";
		produce(topic, 5);
		this.context = start(topic, group, "--graceful-shutdown.propagation-delay=0s",
				"--graceful-shutdown.kafka.timeout=2s", "--worker.slow-order=order-2", "--worker.no-retries=true");
		Worker worker = this.context.getBean(Worker.class);
		await().atMost(WAIT).until(() -> worker.started.contains("order-2"));
		this.context.close();
		assertThat(worker.processed).containsExactly("order-0", "order-1");
		// Not recovered (logged and skipped) and committed, as a failed record would be
		assertThat(output).contains("interrupted 1 listener thread(s)").doesNotContain("Backoff none exhausted");
		assertThat(committedOffset(group, topic)).isEqualTo(2);
		assertRedeliveredAtOnce(group, topic, "order-2");
	}

	@Test
	void kafkaTimeoutLongerThanTheBudgetLeftStillInterruptsInTime(CapturedOutput output) throws Exception {
		// 6 s fits the budget after the delay, but the workers must have stopped 0.6 s
		// (the close reserve) before the deadline: the interrupt comes 1 s before that
		String topic = "orders-late";
		String group = "workers-late";
		produce(topic, 5);
		this.context = start(topic, group, "--graceful-shutdown.timeout=6s", "--graceful-shutdown.propagation-delay=0s",
				"--graceful-shutdown.kafka.timeout=6s", "--graceful-shutdown.force-exit.on-timeout=false",
				"--worker.slow-order=order-2");
		Worker worker = this.context.getBean(Worker.class);
		await().atMost(WAIT).until(() -> worker.started.contains("order-2"));
		this.context.close();
		assertThat(output).containsPattern("Kafka listeners still busy after [34]\\d{3} ms, interrupted 1 listener");
		assertThat(worker.processed).containsExactly("order-0", "order-1");
		assertThat(worker.consumersStopped).hasSize(1);
		assertThat(committedOffset(group, topic)).isEqualTo(2);
	}

	@Test
	void interruptedListenerThatKeepsItsThreadInterruptedStillLetsTheConsumerCommitAndLeave(CapturedOutput output)
			throws Exception {
		String topic = "orders-reinterrupt";
		String group = "workers-reinterrupt";
		produce(topic, 5);
		this.context = start(topic, group, "--graceful-shutdown.propagation-delay=0s",
				"--graceful-shutdown.kafka.timeout=2s", "--worker.slow-order=order-2",
				"--worker.restore-interrupt=true", "--worker.record-interceptor=true");
		Worker worker = this.context.getBean(Worker.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		FailureRecordingInterceptor interceptor = this.context.getBean(FailureRecordingInterceptor.class);
		await().atMost(WAIT).until(() -> worker.started.contains("order-2"));
		this.context.close();
		assertThat(worker.processed).containsExactly("order-0", "order-1");
		assertThat(worker.consumersStopped).hasSize(1);
		// Spring Kafka commits order-0 and order-1 before it hands the failure to the
		// error handler, on a thread that is no longer interrupted
		assertThat(output).contains("Kafka listeners still busy after 2000 ms, interrupted 1 listener thread(s)")
			.doesNotContain("Failed to commit before handling error");
		assertThat(committedOffset(group, topic)).isEqualTo(2);
		// The application's own interceptor still sees the record and its failure, on a
		// thread that is no longer interrupted
		assertThat(interceptor.intercepted).containsExactly("order-0", "order-1", "order-2");
		assertThat(interceptor.failedWhileInterrupted).containsExactly(Map.entry("order-2", false));
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.TIMED_OUT);
		assertRedeliveredAtOnce(group, topic, "order-2");
	}

	@Test
	void batchListenerFinishesItsBatchThenStopsAndCommits() throws Exception {
		String topic = "orders-batch";
		String group = "workers-batch";
		produce(topic, 30);
		this.context = start(topic, group, "--worker.batch=true", "--spring.kafka.consumer.max-poll-records=5",
				"--graceful-shutdown.propagation-delay=0s");
		BatchWorker worker = this.context.getBean(BatchWorker.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		await().atMost(WAIT).until(() -> worker.processed.size() >= 5);
		this.context.close();

		int processed = worker.processed.size();
		assertThat(processed).isLessThan(30);
		// Every batch that started was finished, and nothing else was processed
		assertThat(worker.processed).containsExactlyElementsOf(worker.started.stream().flatMap(List::stream).toList())
			.containsExactlyElementsOf(IntStream.range(0, processed).mapToObj((i) -> "order-" + i).toList());
		assertThat(committedOffset(group, topic)).isEqualTo(processed);
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.COMPLETED);
		assertThat(redeliveryToTheNextOwner(group, topic).first().value()).isEqualTo("order-" + processed);
	}

	// Not a parameterized test: @EmbeddedKafka's parameter resolver does not find the
	// broker for its invocations
	@Test
	void batchListenerSlowerThanTheKafkaTimeoutIsInterruptedAndItsBatchIsRedelivered(CapturedOutput output)
			throws Exception {
		interruptBatchListener(output, false, false);
	}

	@Test
	void batchListenerThatKeepsItsThreadInterruptedStillLetsTheConsumerCommitAndLeave(CapturedOutput output)
			throws Exception {
		interruptBatchListener(output, true, false);
	}

	@Test
	void batchCutByTheInterruptIsRedeliveredEvenWhenTheErrorHandlerDoesNotRetry(CapturedOutput output)
			throws Exception {
		interruptBatchListener(output, false, true);
		assertThat(output).doesNotContain("Backoff none exhausted");
	}

	// Spring Kafka calls a listener of whole ConsumerRecords from another method
	@Test
	void batchListenerOfConsumerRecordsSlowerThanTheKafkaTimeoutIsInterrupted(CapturedOutput output) throws Exception {
		interruptBatchListener(output, false, false, "--worker.consumer-records=true");
	}

	private void interruptBatchListener(CapturedOutput output, boolean restoreInterrupt, boolean noRetries,
			String... args) throws Exception {
		String topic = "orders-batch-slow-" + restoreInterrupt + "-" + noRetries + "-" + args.length;
		String group = "workers-batch-slow-" + restoreInterrupt + "-" + noRetries + "-" + args.length;
		produce(topic, 15);
		this.context = start(topic, group,
				StringUtils.concatenateStringArrays(new String[] { "--worker.batch=true",
						"--spring.kafka.consumer.max-poll-records=5", "--graceful-shutdown.propagation-delay=0s",
						"--graceful-shutdown.kafka.timeout=2s", "--worker.slow-order=order-7",
						"--worker.restore-interrupt=" + restoreInterrupt, "--worker.no-retries=" + noRetries }, args));
		BatchWork worker = this.context.getBean(BatchWork.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		await().atMost(WAIT).until(() -> worker.started.stream().anyMatch((batch) -> batch.contains("order-7")));
		this.context.close();

		List<String> cutBatch = worker.started.get(worker.started.size() - 1);
		assertThat(cutBatch).contains("order-7");
		List<String> finished = worker.started.subList(0, worker.started.size() - 1)
			.stream()
			.flatMap(List::stream)
			.toList();
		assertThat(worker.processed).containsExactlyElementsOf(finished).doesNotContainAnyElementsOf(cutBatch);
		assertThat(worker.consumersStopped).hasSize(1);
		assertThat(committedOffset(group, topic)).isEqualTo(finished.size());
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.TIMED_OUT);
		// Not retried as a failed batch (with or without an error handler of the
		// application's), which Spring Kafka would log at ERROR level
		assertThat(output).contains("interrupted 1 listener thread(s)")
			.doesNotContain("Error handler threw an exception");
		// The whole batch that was cut goes to the next owner
		assertRedeliveredAtOnce(group, topic, cutBatch.get(0));
	}

	@Test
	void listenerOfAContainerStartedAfterTheApplicationIsAbandonedRatherThanInterrupted(CapturedOutput output)
			throws Exception {
		// Its error handler, which does not retry, would skip a record cut by an
		// interrupt
		String topic = "orders-runtime";
		String group = "workers-runtime";
		produce(topic, 5);
		this.context = start(topic, group, "--worker.runtime=true", "--worker.no-retries=true",
				"--graceful-shutdown.propagation-delay=0s", "--graceful-shutdown.kafka.timeout=2s");
		RuntimeWorker worker = this.context.getBean(RuntimeWorkers.class).worker;
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		try {
			await().atMost(WAIT).until(() -> worker.started.contains("order-2"));
			this.context.close();
			assertThat(output).contains("in 1 container(s) started after the application, abandoning them")
				.doesNotContain("Backoff none exhausted");
			assertThat(worker.interrupted).isFalse();
			assertThat(worker.processed).containsExactly("order-0", "order-1");
			assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.TIMED_OUT);
			// The abandoned consumer commits nothing more: its poll's records go to the
			// next owner, order-2 among them
			assertThat(committedOffset(group, topic)).isLessThanOrEqualTo(2);
		}
		finally {
			worker.release.countDown();
		}
	}

	@Test
	void listenerOfAContainerThatTheApplicationRunsItselfIsNotInterrupted(CapturedOutput output) throws Exception {
		String topic = "orders-own";
		produce(topic, 5);
		produce(topic + "-container", 5);
		this.context = start(topic, "workers-own", "--worker.own-container=true", "--worker.slow-order=order-2",
				"--graceful-shutdown.propagation-delay=0s", "--graceful-shutdown.kafka.timeout=2s");
		Worker worker = this.context.getBean(Worker.class);
		OwnContainer own = this.context.getBean(OwnContainer.class);
		try {
			await().atMost(WAIT).until(() -> worker.started.contains("order-2") && own.started.contains("order-2"));
			this.context.close();
			assertThat(output).contains("interrupted 1 listener thread(s)");
			assertThat(worker.processed).containsExactly("order-0", "order-1");
			assertThat(own.interrupted).isFalse();
		}
		finally {
			own.release.countDown();
			own.container.stop();
		}
	}

	@Test
	void asyncListenerResultStillPendingAtTheStopIsNotCommittedAndIsRedelivered() throws Exception {
		String topic = "orders-async";
		String group = "workers-async";
		produce(topic, 5);
		this.context = start(topic, group, "--worker.async=true", "--graceful-shutdown.propagation-delay=0s",
				"--worker.slow-order=order-2");
		AsyncWorker worker = this.context.getBean(AsyncWorker.class);
		RecordingPhaseListener phases = this.context.getBean(RecordingPhaseListener.class);
		await().atMost(WAIT)
			.until(() -> worker.processed.containsAll(List.of("order-0", "order-1", "order-3", "order-4")));
		this.context.close();
		// Spring Kafka 4.1 does not wait for the result: the phase ends once the consumer
		// has left, with order-2 still in progress
		assertThat(phases.outcomes).containsEntry(ShutdownPhaseNames.KAFKA, ShutdownOutcome.COMPLETED);
		assertThat(worker.slow.isDone()).isFalse();
		worker.slow.complete(null);
		// Out-of-order commits stop at the pending record, so nothing is lost
		assertThat(committedOffset(group, topic)).isEqualTo(2);
		assertThat(redeliveryToTheNextOwner(group, topic).first().value()).isEqualTo("order-2");
	}

	// The consumer left its group: the next owner gets the partition within 20 s (not
	// after the session timeout, 45 s), starting with the record expected
	private void assertRedeliveredAtOnce(String group, String topic, String first) {
		Redelivery redelivery = redeliveryToTheNextOwner(group, topic);
		assertThat(redelivery.first().value()).isEqualTo(first);
		assertThat(redelivery.after()).isLessThan(Duration.ofSeconds(20));
	}

	// A new consumer of the group polls until it gets the first record not committed
	private Redelivery redeliveryToTheNextOwner(String group, String topic) {
		try (KafkaConsumer<String, String> next = consumer(group)) {
			next.subscribe(List.of(topic));
			long start = System.nanoTime();
			List<ConsumerRecord<String, String>> redelivered = new CopyOnWriteArrayList<>();
			await().atMost(WAIT).until(() -> {
				next.poll(Duration.ofMillis(200)).forEach(redelivered::add);
				return !redelivered.isEmpty();
			});
			return new Redelivery(redelivered.get(0), Duration.ofNanos(System.nanoTime() - start));
		}
	}

	private ConfigurableApplicationContext start(String topic, String group, String... args) {
		String[] common = { "--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(),
				"--spring.kafka.consumer.auto-offset-reset=earliest", "--spring.main.banner-mode=off",
				"--worker.topic=" + topic, "--worker.group=" + group };
		String[] all = StringUtils.concatenateStringArrays(common, args);
		return new SpringApplicationBuilder(WorkerApplication.class).web(WebApplicationType.NONE).run(all);
	}

	private void produce(String topic, int count) throws Exception {
		Orders.produce(this.broker, topic, count);
	}

	private long committedOffset(String group, String topic) throws Exception {
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
			Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get(30, TimeUnit.SECONDS);
			OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
			return (offset != null) ? offset.offset() : 0;
		}
	}

	private KafkaConsumer<String, String> consumer(String group) {
		return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString(),
				ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				StringDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
	}

	private record Redelivery(ConsumerRecord<String, String> first, Duration after) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WorkerApplication {

		@Bean
		@ConditionalOnBooleanProperty(name = "worker.batch", havingValue = false, matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "worker.async", havingValue = false, matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "worker.runtime", havingValue = false, matchIfMissing = true)
		Worker worker() {
			return new Worker();
		}

		// A listener bean that the application creates after it has started, so its
		// container starts then too
		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		RuntimeWorker runtimeWorker() {
			return new RuntimeWorker();
		}

		@Bean
		@ConditionalOnBooleanProperty("worker.runtime")
		RuntimeWorkers runtimeWorkers(ObjectProvider<RuntimeWorker> workers) {
			return new RuntimeWorkers(workers);
		}

		@Bean
		@ConditionalOnBooleanProperty("worker.own-container")
		OwnContainer ownContainer(ConcurrentKafkaListenerContainerFactory<Object, Object> factory,
				@Value("${worker.topic}") String topic) {
			return new OwnContainer(factory, topic + "-container");
		}

		@Bean
		@ConditionalOnBooleanProperty("worker.async")
		AsyncWorker asyncWorker() {
			return new AsyncWorker();
		}

		@Bean
		@ConditionalOnBooleanProperty("worker.batch")
		@ConditionalOnBooleanProperty(name = "worker.consumer-records", havingValue = false, matchIfMissing = true)
		BatchWorker batchWorker() {
			return new BatchWorker();
		}

		@Bean
		@ConditionalOnBooleanProperty("worker.batch")
		@ConditionalOnBooleanProperty("worker.consumer-records")
		ConsumerRecordsBatchWorker consumerRecordsBatchWorker() {
			return new ConsumerRecordsBatchWorker();
		}

		// An error handler that does not retry: a failed record is logged and skipped
		@Bean
		@ConditionalOnBooleanProperty("worker.no-retries")
		DefaultErrorHandler errorHandler() {
			return new DefaultErrorHandler(new FixedBackOff(0, 0));
		}

		@Bean
		RecordingPhaseListener recordingPhaseListener() {
			return new RecordingPhaseListener();
		}

		// Spring Boot sets it on the container factory
		@Bean
		@ConditionalOnBooleanProperty("worker.record-interceptor")
		FailureRecordingInterceptor failureRecordingInterceptor() {
			return new FailureRecordingInterceptor();
		}

	}

	abstract static class BatchWork {

		final List<List<String>> started = new CopyOnWriteArrayList<>();

		final List<String> processed = new CopyOnWriteArrayList<>();

		final List<ConsumerStoppedEvent> consumersStopped = new CopyOnWriteArrayList<>();

		@Value("${worker.slow-order:none}")
		private String slowOrder;

		@Value("${worker.restore-interrupt:false}")
		private boolean restoreInterrupt;

		void work(List<String> batch) throws InterruptedException {
			this.started.add(batch);
			try {
				Thread.sleep(batch.contains(this.slowOrder) ? 60_000 : 300);
			}
			catch (InterruptedException ex) {
				if (this.restoreInterrupt) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted", ex);
				}
				throw ex;
			}
			this.processed.addAll(batch);
		}

		@EventListener
		void consumerStopped(ConsumerStoppedEvent event) {
			this.consumersStopped.add(event);
		}

	}

	static class BatchWorker extends BatchWork {

		@KafkaListener(topics = "${worker.topic}", groupId = "${worker.group}", batch = "true")
		void process(List<ConsumerRecord<String, String>> records) throws InterruptedException {
			work(records.stream().map(ConsumerRecord::value).toList());
		}

	}

	static class ConsumerRecordsBatchWorker extends BatchWork {

		@KafkaListener(topics = "${worker.topic}", groupId = "${worker.group}", batch = "true")
		void process(ConsumerRecords<String, String> records) throws InterruptedException {
			List<String> batch = new ArrayList<>();
			records.forEach((record) -> batch.add(record.value()));
			work(batch);
		}

	}

	static class RuntimeWorker {

		final List<String> started = new CopyOnWriteArrayList<>();

		final List<String> processed = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		volatile boolean interrupted;

		@KafkaListener(id = "runtime-worker", topics = "${worker.topic}", groupId = "${worker.group}")
		void process(ConsumerRecord<String, String> record) throws InterruptedException {
			this.started.add(record.value());
			try {
				if (record.value().equals("order-2")) {
					this.release.await(60, TimeUnit.SECONDS);
				}
				else {
					Thread.sleep(300);
				}
			}
			catch (InterruptedException ex) {
				this.interrupted = true;
				throw ex;
			}
			this.processed.add(record.value());
		}

	}

	static class RuntimeWorkers implements ApplicationRunner {

		private final ObjectProvider<RuntimeWorker> workers;

		volatile RuntimeWorker worker;

		RuntimeWorkers(ObjectProvider<RuntimeWorker> workers) {
			this.workers = workers;
		}

		@Override
		public void run(ApplicationArguments args) {
			this.worker = this.workers.getObject();
		}

	}

	// A container that the application creates, starts and stops itself
	static class OwnContainer implements ApplicationRunner {

		final List<String> started = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		final ConcurrentMessageListenerContainer<Object, Object> container;

		volatile boolean interrupted;

		OwnContainer(ConcurrentKafkaListenerContainerFactory<Object, Object> factory, String topic) {
			this.container = factory.createContainer(topic);
			this.container.getContainerProperties().setGroupId(topic);
			this.container.setupMessageListener((MessageListener<Object, Object>) this::process);
		}

		private void process(ConsumerRecord<Object, Object> record) {
			this.started.add((String) record.value());
			try {
				if (record.value().equals("order-2")) {
					this.release.await(60, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.interrupted = true;
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void run(ApplicationArguments args) {
			this.container.start();
		}

	}

	static class AsyncWorker {

		final List<String> processed = new CopyOnWriteArrayList<>();

		final CompletableFuture<Void> slow = new CompletableFuture<>();

		@Value("${worker.slow-order:none}")
		private String slowOrder;

		// An asynchronous result: Spring Kafka acknowledges the record when it completes
		@KafkaListener(topics = "${worker.topic}", groupId = "${worker.group}")
		CompletableFuture<Void> process(ConsumerRecord<String, String> record) {
			if (record.value().equals(this.slowOrder)) {
				return this.slow.thenRun(() -> this.processed.add(record.value()));
			}
			return CompletableFuture.runAsync(() -> this.processed.add(record.value()),
					CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
		}

	}

	static class FailureRecordingInterceptor implements RecordInterceptor<Object, Object> {

		final List<Object> intercepted = new CopyOnWriteArrayList<>();

		final List<Map.Entry<Object, Boolean>> failedWhileInterrupted = new CopyOnWriteArrayList<>();

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			this.intercepted.add(record.value());
			return record;
		}

		@Override
		public void failure(ConsumerRecord<Object, Object> record, Exception exception,
				Consumer<Object, Object> consumer) {
			this.failedWhileInterrupted.add(Map.entry(record.value(), Thread.currentThread().isInterrupted()));
		}

	}

	static class Worker {

		final List<String> started = new CopyOnWriteArrayList<>();

		final List<String> processed = new CopyOnWriteArrayList<>();

		final List<ConsumerStoppedEvent> consumersStopped = new CopyOnWriteArrayList<>();

		@Value("${worker.slow-order:none}")
		private String slowOrder;

		@Value("${worker.restore-interrupt:false}")
		private boolean restoreInterrupt;

		@KafkaListener(topics = "${worker.topic}", groupId = "${worker.group}")
		void process(ConsumerRecord<String, String> record) throws InterruptedException {
			this.started.add(record.value());
			try {
				Thread.sleep(record.value().equals(this.slowOrder) ? 60_000 : 300);
			}
			catch (InterruptedException ex) {
				if (this.restoreInterrupt) {
					// The usual idiom: the thread stays interrupted
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted", ex);
				}
				throw ex;
			}
			this.processed.add(record.value());
		}

		// Published once the consumer has closed
		@EventListener
		void consumerStopped(ConsumerStoppedEvent event) {
			this.consumersStopped.add(event);
		}

	}

}
