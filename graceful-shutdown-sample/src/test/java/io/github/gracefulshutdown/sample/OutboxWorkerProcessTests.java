package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process-level test of the sample's hand-written outbox worker, which uses the starter's
 * shutdown signal and participant SPI: SIGTERM at random moments of its work, restarts
 * until the outbox is empty, and then every item has been delivered exactly once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OutboxWorkerProcessTests {

	private static final int ITEMS = 60;

	private static final int SIGTERMS = 3;

	private static final Pattern DELIVERIES = Pattern.compile("\"deliveries\":(\\d+)");

	private static final Pattern DONE = Pattern.compile("\"done\":(\\d+)");

	private static final String H2_WARNING = "lets H2 close the database in its own JVM shutdown hook";

	private static final String H2_CLOSED = "Database is already closed";

	private final HttpClient httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private SampleApplicationProcess application;

	@AfterEach
	void stop() {
		if (this.application != null) {
			this.application.close();
		}
	}

	@Test
	void sigtermAtRandomMomentsLosesNoItemAndDeliversNoneTwice() throws Exception {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		Path logs = Path.of("target", "process-tests");
		Path dataDir = Files.createTempDirectory(Files.createDirectories(logs), "outbox-");
		long delivered = 0;
		for (int run = 0; run <= SIGTERMS; run++) {
			this.application = start(logs.resolve("outbox-run-" + run + ".log"), dataDir);
			if (run == 0) {
				post("/outbox?count=" + ITEMS);
			}
			if (run < SIGTERMS) {
				// A random moment of the work: after a few more deliveries
				long target = Math.min(ITEMS - 1, delivered + 3 + random.nextInt(12));
				await("deliveries >= " + target + " (seed " + seed + ")").atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> count(DELIVERIES, get("/outbox/stats")) >= target);
			}
			else {
				await("outbox empty (seed " + seed + ")").atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> count(DONE, get("/outbox/stats")) == ITEMS);
			}
			this.application.sigterm();
			assertThat(this.application.awaitExit(Duration.ofSeconds(60))).as("exit code, seed %d", seed)
				.isEqualTo(128 + 15);
			String log = this.application.log();
			assertThat(log).containsPattern("Graceful shutdown phase 'outbox' completed in \\d+ ms")
				.contains("Outbox worker stopped after delivering")
				.doesNotContain(H2_WARNING)
				.doesNotContain(H2_CLOSED);
			delivered = deliveries(dataDir).values().stream().mapToLong(Integer::longValue).sum();
		}
		Map<Long, Integer> deliveries = deliveries(dataDir);
		assertThat(deliveries).as("items delivered (seed %d)", seed).hasSize(ITEMS);
		assertThat(deliveries.values()).as("deliveries per item (seed %d)", seed).containsOnly(1);
		assertThat(pendingItems(dataDir)).isZero();
	}

	// The opposite case: the sample's URL without ;DB_CLOSE_ON_EXIT=FALSE
	@Test
	void h2ThatClosesTheDatabaseItselfAtSigtermIsWarnedAboutAndFailsTheWorkDuringTheDelay() throws Exception {
		Path logs = Path.of("target", "process-tests");
		Path dataDir = Files.createTempDirectory(Files.createDirectories(logs), "outbox-h2-hook-");
		this.application = SampleApplicationProcess.start(logs.resolve("outbox-h2-hook.log"),
				"--sample.data-dir=" + dataDir.toAbsolutePath(),
				"--spring.datasource.url=jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("orders"),
				SampleApplicationShutdownProcessTests.NO_ORDERS, "--graceful-shutdown.propagation-delay=1s",
				"--sample.outbox.delivery-time=100ms");
		assertThat(this.application.log()).contains(H2_WARNING);
		post("/outbox?count=" + ITEMS);
		await("deliveries >= 2").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> count(DELIVERIES, get("/outbox/stats")) >= 2);
		this.application.sigterm();
		assertThat(this.application.awaitExit(Duration.ofSeconds(60))).isEqualTo(128 + 15);
		assertThat(this.application.log()).contains(H2_CLOSED);
	}

	private SampleApplicationProcess start(Path log, Path dataDir) throws IOException {
		return SampleApplicationProcess.start(log, "--sample.data-dir=" + dataDir.toAbsolutePath(),
				SampleApplicationShutdownProcessTests.NO_ORDERS, "--graceful-shutdown.propagation-delay=500ms",
				"--sample.outbox.delivery-time=200ms");
	}

	private String get(String path) throws IOException, InterruptedException {
		return this.httpClient
			.send(HttpRequest.newBuilder(this.application.uri(path)).timeout(Duration.ofSeconds(10)).build(),
					BodyHandlers.ofString())
			.body();
	}

	private void post(String path) throws IOException, InterruptedException {
		int status = this.httpClient
			.send(HttpRequest.newBuilder(this.application.uri(path))
				.timeout(Duration.ofSeconds(10))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), BodyHandlers.discarding())
			.statusCode();
		assertThat(status).isEqualTo(200);
	}

	private static long count(Pattern pattern, String json) {
		Matcher matcher = pattern.matcher(json);
		assertThat(matcher.find()).as("%s in %s", pattern, json).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private static Map<Long, Integer> deliveries(Path dataDir) throws SQLException {
		Map<Long, Integer> counts = new TreeMap<>();
		try (Connection connection = connect(dataDir);
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("SELECT item_id, COUNT(*) FROM outbox_delivery GROUP BY item_id")) {
			while (rows.next()) {
				counts.put(rows.getLong(1), rows.getInt(2));
			}
		}
		return counts;
	}

	private static long pendingItems(Path dataDir) throws SQLException {
		try (Connection connection = connect(dataDir);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM outbox_item WHERE done = FALSE")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private static Connection connect(Path dataDir) throws SQLException {
		String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("orders")
				+ ";DB_CLOSE_ON_EXIT=FALSE;IFEXISTS=TRUE";
		return DriverManager.getConnection(url, "sa", "");
	}

}
