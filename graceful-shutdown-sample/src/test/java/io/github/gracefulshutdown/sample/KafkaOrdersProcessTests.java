package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process-level tests of the sample's orders flow across real SIGTERMs and restarts: the
 * broker runs in the test JVM, so that it outlives the sample's restarts, and the verdict
 * comes from the sample's H2 database, read between runs.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@EmbeddedKafka(partitions = KafkaOrdersProcessTests.PARTITIONS,
		topics = { KafkaOrdersProcessTests.RESTART_TOPIC, KafkaOrdersProcessTests.SLOW_TOPIC })
class KafkaOrdersProcessTests {

	private static final int SIGTERM_EXIT_CODE = 128 + 15;

	static final int PARTITIONS = 3;

	static final String RESTART_TOPIC = "orders-restart";

	static final String SLOW_TOPIC = "orders-slow";

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

	private static final Pattern ORDER_ID = Pattern.compile("\"(order-\\d+)\"");

	private EmbeddedKafkaBroker broker;

	private final HttpClient httpClient = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final List<SampleApplicationProcess> applications = new ArrayList<>();

	private Path logs;

	private String testName;

	private OrdersDatabase database;

	@BeforeEach
	void prepare(TestInfo testInfo, EmbeddedKafkaBroker broker) throws IOException {
		this.broker = broker;
		this.testName = testInfo.getTestMethod().orElseThrow().getName();
		Path jar = Path.of(System.getProperty("sample.jar", "target/graceful-shutdown-sample.jar")).toAbsolutePath();
		this.logs = jar.resolveSibling("process-tests").resolve("kafka");
		Path dataDir = this.logs.resolve(this.testName + "-data");
		FileSystemUtils.deleteRecursively(dataDir);
		this.database = new OrdersDatabase(dataDir);
	}

	@AfterEach
	void stopApplications() {
		this.applications.forEach(SampleApplicationProcess::close);
	}

	@Test
	void noOrderLostOrProcessedTwiceAcrossSigtermAndRestart() throws Exception {
		int orders = 900;
		int sigtermRuns = 3;
		List<String> produced = List.of();
		int processedBefore = 0;
		for (int run = 1; run <= sigtermRuns; run++) {
			SampleApplicationProcess application = start(RESTART_TOPIC, run, "--sample.orders.processing-time=20ms",
					"--graceful-shutdown.propagation-delay=1s");
			if (run == 1) {
				produced = produce(application, orders);
			}
			// Some, not all: at most 3 threads x 50 orders/s, so each run of a few
			// seconds leaves orders for the next
			int atLeast = processedBefore + 30;
			await("orders processed in run " + run).atMost(WAIT)
				.pollInterval(POLL_INTERVAL)
				.failFast("the application exited", () -> !application.isAlive())
				.until(() -> stats(application).distinctProcessed() >= atLeast);
			application.sigterm();
			assertThat(application.awaitExit(Duration.ofSeconds(30))).isEqualTo(SIGTERM_EXIT_CODE);
			assertThat(application.log()).containsPattern("Graceful shutdown phase 'kafka' completed in \\d+ ms");
			int processed = this.database.processedCounts().size();
			assertThat(processed).as("orders processed after run %d", run).isBetween(atLeast, orders - 1);
			processedBefore = processed;
		}
		SampleApplicationProcess last = start(RESTART_TOPIC, sigtermRuns + 1, "--sample.orders.processing-time=20ms",
				"--graceful-shutdown.propagation-delay=0s");
		await("every order processed").atMost(WAIT)
			.pollInterval(POLL_INTERVAL)
			.failFast("the application exited", () -> !last.isAlive())
			.until(() -> stats(last).distinctProcessed() >= orders);
		last.sigterm();
		assertThat(last.awaitExit(Duration.ofSeconds(30))).isEqualTo(SIGTERM_EXIT_CODE);

		Map<String, Integer> processed = this.database.processedCounts();
		assertThat(processed.keySet()).as("processed orders").containsExactlyInAnyOrderElementsOf(produced);
		assertThat(timesOver(processed, 1)).as("orders processed more than once").isEmpty();
		assertThat(timesOver(this.database.attemptCounts(), 1)).as("orders attempted more than once").isEmpty();
	}

	@Test
	void listenerSlowerThanKafkaTimeoutLosesNothing() throws Exception {
		SampleApplicationProcess slow = start(SLOW_TOPIC, 1, "--sample.orders.processing-time=10s",
				"--graceful-shutdown.timeout=8s", "--graceful-shutdown.kafka.timeout=2s",
				"--graceful-shutdown.propagation-delay=0s");
		List<String> produced = produce(slow, 6);
		await("an order in progress").atMost(WAIT)
			.pollInterval(POLL_INTERVAL)
			.failFast("the application exited", () -> !slow.isAlive())
			.until(() -> stats(slow).attempts() >= 1);
		long signalled = System.nanoTime();
		slow.sigterm();
		int exitCode = slow.awaitExit(Duration.ofSeconds(30));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - signalled);
		assertThat(exitCode).as("exit code (124: halted by the watchdog)").isEqualTo(SIGTERM_EXIT_CODE);
		assertThat(elapsed).isLessThan(Duration.ofSeconds(8 + 7));
		assertThat(slow.log()).containsPattern("Kafka listeners still busy after 2000 ms, interrupted \\d listener")
			.containsPattern("Graceful shutdown phase 'kafka' timed out after \\d+ ms");
		Set<String> attemptedFirst = this.database.attemptCounts().keySet();
		Set<String> processedFirst = this.database.processedCounts().keySet();
		Set<String> cut = new HashSet<>(attemptedFirst);
		cut.removeAll(processedFirst);
		assertThat(cut).as("orders whose processing the shutdown cut")
			.isNotEmpty()
			.hasSizeLessThanOrEqualTo(PARTITIONS);

		SampleApplicationProcess fast = start(SLOW_TOPIC, 2, "--sample.orders.processing-time=20ms",
				"--graceful-shutdown.propagation-delay=0s");
		await("every order processed").atMost(WAIT)
			.pollInterval(POLL_INTERVAL)
			.failFast("the application exited", () -> !fast.isAlive())
			.until(() -> stats(fast).distinctProcessed() >= produced.size());
		fast.sigterm();
		assertThat(fast.awaitExit(Duration.ofSeconds(30))).isEqualTo(SIGTERM_EXIT_CODE);

		Map<String, Integer> processed = this.database.processedCounts();
		assertThat(processed.keySet()).as("processed orders").containsExactlyInAnyOrderElementsOf(produced);
		assertThat(timesOver(processed, 1)).as("orders processed more than once").isEmpty();
		assertThat(timesOver(this.database.attemptCounts(), 1)).as("orders attempted more than once")
			.containsExactlyInAnyOrderElementsOf(cut);
	}

	@Test
	void inProcessBrokerStopsAfterTheConsumersAndTheSampleExitsCleanly() throws Exception {
		// No spring.kafka.bootstrap-servers: the sample runs its own broker
		SampleApplicationProcess application = SampleApplicationProcess.start(this.logs.resolve(this.testName + ".log"),
				"--sample.data-dir=" + this.database.dataDir(), "--graceful-shutdown.propagation-delay=1s");
		this.applications.add(application);
		produce(application, 300);
		await("orders processed").atMost(WAIT)
			.pollInterval(POLL_INTERVAL)
			.failFast("the application exited", () -> !application.isAlive())
			.until(() -> stats(application).distinctProcessed() >= 30);
		long signalled = System.nanoTime();
		application.sigterm();
		int exitCode = application.awaitExit(Duration.ofSeconds(30));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - signalled);
		assertThat(exitCode).isEqualTo(SIGTERM_EXIT_CODE);
		assertThat(elapsed).isLessThan(Duration.ofSeconds(15));
		// The broker still runs while the consumers commit and leave, and it
		// stops cleanly
		assertThat(application.log()).containsPattern("Graceful shutdown phase 'kafka' completed in \\d+ ms")
			.doesNotContainPattern("(?m)^\\S+\\s+ERROR ")
			.doesNotContain("could not be established");
		assertThat(timesOver(this.database.processedCounts(), 1)).isEmpty();
	}

	private SampleApplicationProcess start(String topic, int run, String... args) throws IOException {
		List<String> all = new ArrayList<>(
				List.of("--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(),
						"--sample.orders.topic=" + topic, "--sample.data-dir=" + this.database.dataDir()));
		all.addAll(List.of(args));
		SampleApplicationProcess application = SampleApplicationProcess
			.start(this.logs.resolve(this.testName + "-run" + run + ".log"), all.toArray(String[]::new));
		this.applications.add(application);
		return application;
	}

	private List<String> produce(SampleApplicationProcess application, int count)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(application.uri("/orders?count=" + count))
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = this.httpClient.send(request, BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		List<String> ids = ORDER_ID.matcher(response.body()).results().map((result) -> result.group(1)).toList();
		assertThat(ids).hasSize(count).doesNotHaveDuplicates();
		return ids;
	}

	private Stats stats(SampleApplicationProcess application) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(application.uri("/orders/stats"))
			.timeout(Duration.ofSeconds(10))
			.build();
		String body = this.httpClient.send(request, BodyHandlers.ofString()).body();
		return new Stats(number(body, "attempts"), number(body, "distinctProcessed"));
	}

	private static long number(String json, String field) {
		Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
		assertThat(matcher.find()).as("'%s' in %s", field, json).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private static Set<String> timesOver(Map<String, Integer> counts, int times) {
		return counts.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() > times)
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	/**
	 * What {@code GET /orders/stats} reports.
	 */
	private record Stats(long attempts, long distinctProcessed) {

	}

}
