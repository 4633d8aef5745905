package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.gracefulshutdown.GracefulShutdownExitCodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process-level tests of the sample application receiving real signals.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SampleApplicationShutdownProcessTests {

	private static final int SIGTERM_EXIT_CODE = 128 + 15;

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration SHUTDOWN_LOG_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Leaves out the sample's Kafka orders flow (and its in-process broker) where Kafka
	 * is not what the test is about.
	 */
	static final String NO_ORDERS = "--sample.orders.enabled=false";

	private final HttpClient httpClient = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private Path log;

	private SampleApplicationProcess application;

	@BeforeEach
	void prepareLog(TestInfo testInfo) {
		String name = testInfo.getTestMethod().orElseThrow().getName();
		Path jar = Path.of(System.getProperty("sample.jar", "target/graceful-shutdown-sample.jar")).toAbsolutePath();
		this.log = jar.resolveSibling("process-tests").resolve(name + ".log");
	}

	@AfterEach
	void stopApplication() {
		if (this.application != null) {
			this.application.close();
		}
	}

	@Test
	void sigtermExitsAfterDelayAndDrainAndLogsEveryPhase() throws Exception {
		this.application = SampleApplicationProcess.start(this.log, "--graceful-shutdown.propagation-delay=2s");
		// The propagation delay only runs once readiness has been ACCEPTING_TRAFFIC
		await("readiness UP").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> get("/actuator/health/readiness").statusCode() == 200);
		CompletableFuture<HttpResponse<String>> inFlight = getAsync("/work?ms=3000");
		this.application.awaitLog(Duration.ofSeconds(20), "GET \"/work?ms=3000\"");
		long signalled = System.nanoTime();
		this.application.sigterm();
		this.application.awaitLog(SHUTDOWN_LOG_TIMEOUT, "Graceful shutdown phase 'propagation' started");
		// During the delay the application still serves, but tells clients to go away
		HttpResponse<String> duringDelay = get("/work?ms=10");
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		int exitCode = this.application.awaitExit(EXIT_TIMEOUT);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - signalled);
		assertThat(exitCode).isEqualTo(SIGTERM_EXIT_CODE);
		assertThat(elapsed).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(15));
		assertThat(duringDelay.statusCode()).isEqualTo(200);
		assertThat(duringDelay.headers().firstValue("connection")).hasValue("close");
		assertThat(readiness.statusCode()).isEqualTo(503);
		HttpResponse<String> inFlightResponse = inFlight.get(30, TimeUnit.SECONDS);
		assertThat(inFlightResponse.statusCode()).isEqualTo(200);
		assertThat(inFlightResponse.body()).isEqualTo("worked 3000 ms\n");
		String output = this.application.log();
		assertThat(output).contains("Graceful shutdown started by SIGTERM with 1 in-flight HTTP request(s) "
				+ "(budget 25000 ms, propagation delay 2000 ms)");
		for (String phase : new String[] { "readiness", "propagation", "http" }) {
			assertThat(output).contains("Graceful shutdown phase '" + phase + "' started")
				.containsPattern("Graceful shutdown phase '" + phase + "' completed in \\d+ ms");
		}
		assertCompletedSummary(output, Duration.ofSeconds(2));
	}

	@Test
	void watchdogHaltsAtBudgetAndNamesStuckPhase() throws Exception {
		this.application = SampleApplicationProcess.start(this.log, "--graceful-shutdown.timeout=4s",
				"--graceful-shutdown.propagation-delay=0s", NO_ORDERS);
		CompletableFuture<HttpResponse<String>> stuck = getAsync("/stuck?ms=120000");
		this.application.awaitLog(Duration.ofSeconds(20), "GET \"/stuck?ms=120000\"");
		long signalled = System.nanoTime();
		this.application.sigterm();
		int exitCode = this.application.awaitExit(EXIT_TIMEOUT);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - signalled);
		assertThat(exitCode).isEqualTo(GracefulShutdownExitCodes.BUDGET_EXCEEDED);
		assertThat(elapsed).isBetween(Duration.ofMillis(3500), Duration.ofSeconds(12));
		assertThat(awaitDone(stuck)).isCompletedExceptionally();
		String output = this.application.log();
		assertThat(output).containsPattern("ERROR .* Graceful shutdown exceeded its budget of 4000 ms; "
				+ "phase 'http' (still running after \\d+ ms|timed out after \\d+ ms with 1 thread\\(s\\) still busy)"
				+ "\\. Halting the JVM with exit code 124");
		assertThat(output).contains("WorkController.stuck");
		assertThat(output).doesNotContain("Graceful shutdown completed");
	}

	@Test
	void secondSigtermHaltsImmediately() throws Exception {
		this.application = SampleApplicationProcess.start(this.log, "--graceful-shutdown.timeout=60s",
				"--graceful-shutdown.propagation-delay=0s", NO_ORDERS);
		CompletableFuture<HttpResponse<String>> inFlight = getAsync("/work?ms=30000");
		this.application.awaitLog(Duration.ofSeconds(20), "GET \"/work?ms=30000\"");
		this.application.sigterm();
		this.application.awaitLog(SHUTDOWN_LOG_TIMEOUT, "Graceful shutdown phase 'http' started");
		long signalledAgain = System.nanoTime();
		this.application.sigterm();
		int exitCode = this.application.awaitExit(EXIT_TIMEOUT);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - signalledAgain);
		assertThat(exitCode).isEqualTo(GracefulShutdownExitCodes.SECOND_SIGNAL);
		assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
		assertThat(awaitDone(inFlight)).isCompletedExceptionally();
		String output = this.application.log();
		assertThat(output).contains("Received SIGTERM again while shutting down, halting the JVM with exit code 125");
		assertThat(output).doesNotContain("Graceful shutdown completed");
	}

	@Test
	void startsWithReducedSignalUseAndLeavesSigtermToTheOperatingSystem() throws Exception {
		this.application = SampleApplicationProcess.start(this.log, List.of(), List.of("-Xrs"),
				"--logging.level.io.github.gracefulshutdown=debug", "--graceful-shutdown.propagation-delay=0s",
				NO_ORDERS);
		assertThat(get("/actuator/gracefulshutdown").body()).contains("\"onSecondSignal\":false");
		this.application.sigterm();
		int exitCode = this.application.awaitExit(EXIT_TIMEOUT);
		assertThat(exitCode).isEqualTo(SIGTERM_EXIT_CODE);
		String output = this.application.log();
		assertThat(output).contains("Started SampleApplication")
			.contains("Second-signal force exit not installed for SIGTERM")
			.doesNotContain("Graceful shutdown started");
	}

	// The outbox worker injects the ShutdownSignal: with the starter switched off, a
	// fallback signal is there (and fires when the context closes, which nothing waits
	// for then, so the worker's last log line may not make it before the JVM exits)
	@Test
	void switchedOffStillRunsAWorkerThatUsesTheShutdownSignal() throws Exception {
		// Its own database: other tests leave outbox items behind in the default one
		Path dataDir = Files.createTempDirectory(this.log.toAbsolutePath().getParent(), "outbox-");
		this.application = SampleApplicationProcess.start(this.log, "--graceful-shutdown.enabled=false", NO_ORDERS,
				"--sample.data-dir=" + dataDir);
		HttpResponse<String> added = this.httpClient
			.send(HttpRequest.newBuilder(this.application.uri("/outbox?count=1"))
				.timeout(Duration.ofSeconds(60))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), BodyHandlers.ofString());
		assertThat(added.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(60)).until(() -> get("/outbox/stats").body().contains("\"done\":1"));
		this.application.sigterm();
		int exitCode = this.application.awaitExit(EXIT_TIMEOUT);
		assertThat(exitCode).isEqualTo(SIGTERM_EXIT_CODE);
		assertThat(this.application.log()).contains("Started SampleApplication")
			.doesNotContain("Graceful shutdown started");
	}

	@Test
	void startsWhenSigintIsIgnoredAndStillShutsDownGracefully() throws Exception {
		List<String> ignoringSigint = List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh");
		this.application = SampleApplicationProcess.start(this.log, ignoringSigint, List.of(),
				"--logging.level.io.github.gracefulshutdown=debug", "--graceful-shutdown.propagation-delay=0s",
				NO_ORDERS);
		this.application.sigterm();
		int exitCode = this.application.awaitExit(EXIT_TIMEOUT);
		assertThat(exitCode).isEqualTo(SIGTERM_EXIT_CODE);
		assertThat(this.application.log())
			.contains("Second-signal force exit not installed for SIGINT: the signal is ignored")
			.doesNotContain("Second-signal force exit not installed for SIGTERM")
			.containsPattern("Graceful shutdown completed in \\d+ ms");
	}

	// The jar also carries the application context processed ahead of time (Spring AOT),
	// whose conditions were evaluated at build time with application.yml, the orders
	// included; the propagation delay is a property, bound at run time
	@Test
	void sigtermDrainsTheAotProcessedApplication() throws Exception {
		this.application = SampleApplicationProcess.start(this.log, List.of(), List.of("-Dspring.aot.enabled=true"),
				"--graceful-shutdown.propagation-delay=1s");
		await("readiness UP").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> get("/actuator/health/readiness").statusCode() == 200);
		CompletableFuture<HttpResponse<String>> inFlight = getAsync("/work?ms=2000");
		this.application.awaitLog(Duration.ofSeconds(20), "GET \"/work?ms=2000\"");
		this.application.sigterm();
		int exitCode = this.application.awaitExit(EXIT_TIMEOUT);
		assertThat(exitCode).isEqualTo(SIGTERM_EXIT_CODE);
		HttpResponse<String> inFlightResponse = inFlight.get(30, TimeUnit.SECONDS);
		assertThat(inFlightResponse.statusCode()).isEqualTo(200);
		assertThat(inFlightResponse.body()).isEqualTo("worked 2000 ms\n");
		String output = this.application.log();
		assertThat(output).contains("Starting AOT-processed SampleApplication");
		assertCompletedSummary(output, Duration.ofSeconds(1));
	}

	// The summary line of a completed shutdown: the propagation delay at least as long
	// as configured, then the phases after the delay (http, kafka, scheduling), which end
	// in parallel, in any order, and the total, the duration of the whole shutdown
	private void assertCompletedSummary(String output, Duration propagationDelay) {
		Matcher summary = Pattern
			.compile("Graceful shutdown completed in (\\d+) ms \\(budget 25000 ms\\): readiness=\\d+ms completed, "
					+ "propagation=(\\d+)ms completed, ((?:\\w+=\\d+ms completed, )+)total=(\\d+)ms completed")
			.matcher(output);
		assertThat(summary.find()).as("summary line in %s", this.log).isTrue();
		assertThat(Long.parseLong(summary.group(2))).isGreaterThanOrEqualTo(propagationDelay.toMillis());
		assertThat(summary.group(3)).containsPattern("(^|, )http=\\d+ms completed")
			.containsPattern("(^|, )kafka=\\d+ms completed");
		assertThat(summary.group(4)).isEqualTo(summary.group(1));
	}

	private <T> CompletableFuture<T> awaitDone(CompletableFuture<T> future) {
		// The client notices the closed connection shortly after the process exits
		await("response or failure").atMost(Duration.ofSeconds(30)).until(future::isDone);
		return future;
	}

	private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
		return this.httpClient.send(request(pathAndQuery), BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
		return this.httpClient.sendAsync(request(pathAndQuery), BodyHandlers.ofString());
	}

	private HttpRequest request(String pathAndQuery) {
		return HttpRequest.newBuilder(this.application.uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET().build();
	}

}
