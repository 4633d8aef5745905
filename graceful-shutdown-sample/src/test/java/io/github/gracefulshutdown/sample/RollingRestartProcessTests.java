package io.github.gracefulshutdown.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart under load, end to end: two instances of the sample application
 * behind HAProxy in mode tcp (L4: a keep-alive connection stays with one instance, as
 * with kube-proxy), which health-checks readiness every 500 ms, takes the restarted
 * instance out at the first failed check and never retries a failed request. Users send
 * requests on keep-alive connections; one instance gets SIGTERM. With the starter no
 * request fails; with plain Spring Boot (the starter disabled) the next request on every
 * connection pinned to the instance does, so this test can tell the two apart.
 * <p>
 * The instance that keeps running is shared by both tests: only the one that gets SIGTERM
 * differs. HAProxy takes it out only after three failed checks, so that a check slowed
 * down by a busy machine cannot leave it with no instance at all. Needs HAProxy
 * ({@code apt-get install -y haproxy}); without it the tests are skipped, except on CI
 * ({@code CI} set), where they fail.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RollingRestartProcessTests {

	private static final int SIGTERM_EXIT_CODE = 128 + 15;

	private static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

	/**
	 * Longer than one failed check takes to be noticed: the interval plus the check's
	 * timeout (2 s).
	 */
	private static final String PROPAGATION_DELAY = "3s";

	private static final int USERS = 8;

	private static final String REQUEST = "/work?ms=5";

	private static final Duration MAX_LOAD_DURATION = Duration.ofSeconds(40);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration STATE_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Requests to complete before SIGTERM and after the balancer has taken the stopped
	 * instance out.
	 */
	private static final int WARM_REQUESTS = 300;

	private static Path directory;

	private static SampleApplicationProcess survivor;

	private static SampleApplicationProcess withStarter;

	private static SampleApplicationProcess plain;

	@BeforeAll
	static void startInstances() throws Exception {
		if (!Haproxy.isInstalled()) {
			String message = "HAProxy is not installed at " + Haproxy.BINARY + " (apt-get install -y haproxy)";
			if (System.getenv("CI") != null) {
				fail(message);
			}
			Assumptions.abort(message);
		}
		Path jar = Path.of(System.getProperty("sample.jar", "target/graceful-shutdown-sample.jar")).toAbsolutePath();
		directory = jar.resolveSibling("process-tests").resolve("rolling-restart");
		// Started together: three JVMs start faster side by side than one after the other
		ExecutorService executor = Executors.newFixedThreadPool(3);
		try {
			CompletableFuture<SampleApplicationProcess> survivorStart = start(executor, "survivor");
			CompletableFuture<SampleApplicationProcess> withStarterStart = start(executor, "with-starter",
					"--graceful-shutdown.propagation-delay=" + PROPAGATION_DELAY);
			CompletableFuture<SampleApplicationProcess> plainStart = start(executor, "plain",
					"--graceful-shutdown.enabled=false");
			try {
				survivor = survivorStart.join();
				withStarter = withStarterStart.join();
				plain = plainStart.join();
			}
			catch (CompletionException ex) {
				// The others are closed in stopInstances()
				survivor = survivorStart.getNow(null);
				withStarter = withStarterStart.getNow(null);
				plain = plainStart.getNow(null);
				throw ex;
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static CompletableFuture<SampleApplicationProcess> start(ExecutorService executor, String name,
			String... args) {
		List<String> arguments = new ArrayList<>(List.of(args));
		// The process tests' debug logging of every request, not written: the load would
		// fill the log
		arguments.add("--logging.threshold.console=info");
		// A plain web application: the sample's Kafka orders flow (an in-process
		// broker per instance, which triples the startup time of the three
		// instances) and its outbox worker play no part here
		arguments.add("--sample.orders.enabled=false");
		arguments.add("--sample.outbox.enabled=false");
		return CompletableFuture.supplyAsync(() -> {
			try {
				// A directory of its own: the working directory of the instance, where it
				// keeps its files
				return SampleApplicationProcess.start(directory.resolve(name).resolve(name + ".log"),
						arguments.toArray(String[]::new));
			}
			catch (Exception ex) {
				throw new CompletionException(ex);
			}
		}, executor);
	}

	@AfterAll
	static void stopInstances() {
		for (SampleApplicationProcess application : new SampleApplicationProcess[] { survivor, withStarter, plain }) {
			if (application != null) {
				application.close();
			}
		}
	}

	@Test
	void withTheStarterNoRequestFails() throws Exception {
		RollingRestart restart = rollingRestart(withStarter, "with-starter");
		assertThat(restart.exitCode()).isEqualTo(SIGTERM_EXIT_CODE);
		assertThat(restart.load().failed()).as("failed requests: %s; HAProxy: %s", restart, restart.balancerLog())
			.isZero();
		assertThat(restart.load().ok()).as("successful requests: %s", restart).isGreaterThan(2 * WARM_REQUESTS);
	}

	@Test
	void withPlainSpringBootRequestsFail() throws Exception {
		RollingRestart restart = rollingRestart(plain, "plain");
		assertThat(restart.exitCode()).isEqualTo(SIGTERM_EXIT_CODE);
		assertThat(restart.load().failed()).as("failed requests: %s; HAProxy: %s", restart, restart.balancerLog())
			.isPositive();
		assertThat(restart.load().ok()).as("successful requests: %s", restart).isGreaterThan(2 * WARM_REQUESTS);
	}

	/**
	 * Put the given instance and the survivor behind HAProxy, start the load, SIGTERM the
	 * instance, and stop the load once the balancer has taken it out, it has exited and
	 * more requests have gone to the survivor.
	 */
	private RollingRestart rollingRestart(SampleApplicationProcess restarted, String name) throws Exception {
		List<Haproxy.Server> servers = List.of(new Haproxy.Server(restarted.uri("/").getPort(), 1),
				new Haproxy.Server(survivor.uri("/").getPort(), 3));
		try (Haproxy haproxy = Haproxy.start(directory.resolve("haproxy-" + name), "tcp", CHECK_INTERVAL, servers)) {
			haproxy.awaitServerState(STATE_TIMEOUT, "s0", "UP");
			haproxy.awaitServerState(STATE_TIMEOUT, "s1", "UP");
			LoadLoop load = LoadLoop.start(haproxy.uri(REQUEST), USERS, MAX_LOAD_DURATION);
			try {
				await("requests before SIGTERM").atMost(STATE_TIMEOUT).until(() -> load.ok() >= WARM_REQUESTS);
				// Keep-alive connections pinned to the instance (about half of them, with
				// round robin): plain Spring Boot fails on these, the starter moves them
				await("connections to the instance").atMost(STATE_TIMEOUT)
					.pollInterval(Duration.ofMillis(50))
					.until(() -> haproxy.serverConnections().getOrDefault("s0", 0) >= USERS / 4);
				long signalled = System.nanoTime();
				restarted.sigterm();
				int exitCode = restarted.awaitExit(EXIT_TIMEOUT);
				Duration exitTime = Duration.ofNanos(System.nanoTime() - signalled);
				haproxy.awaitServerState(STATE_TIMEOUT, "s0", "DOWN");
				long okAfterExit = load.ok();
				await("requests after the exit").atMost(STATE_TIMEOUT)
					.until(() -> load.ok() >= okAfterExit + WARM_REQUESTS);
				RollingRestart restart = new RollingRestart(load.stop(), exitCode, exitTime, haproxy.log());
				System.out.println("Rolling restart " + name + ": " + restart);
				return restart;
			}
			finally {
				load.close();
			}
		}
	}

	/**
	 * What a rolling restart did.
	 *
	 * @param load what the users saw
	 * @param exitCode the exit code of the restarted instance
	 * @param exitTime from SIGTERM to its exit
	 * @param balancerLog what HAProxy logged (servers going down and up)
	 */
	record RollingRestart(LoadLoop.Result load, int exitCode, Duration exitTime, String balancerLog) {

		@Override
		public String toString() {
			return "%s; exit code %d %d ms after SIGTERM".formatted(this.load, this.exitCode, this.exitTime.toMillis());
		}

	}

}
