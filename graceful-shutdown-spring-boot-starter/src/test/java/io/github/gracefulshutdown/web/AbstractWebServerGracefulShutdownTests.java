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
import io.github.gracefulshutdown.PhaseTimers;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the graceful shutdown of a web application on a real server,
 * closed as the shutdown hook would close it: the scenarios that every web stack must
 * pass. The application answers {@code GET /slow?ms=N} after N milliseconds.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractWebServerGracefulShutdownTests {

	protected static final Duration WAIT = Duration.ofSeconds(30);

	protected final SlowWebApplication.Client client = new SlowWebApplication.Client();

	protected ConfigurableApplicationContext context;

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	/**
	 * Start the application on a free port.
	 * @param args the arguments
	 * @return the running context
	 */
	protected abstract ConfigurableApplicationContext run(String... args);

	@Test
	void servesDuringTheDelayThenDrainsAndRefusesNewConnections() throws Exception {
		// A delay long enough for the two requests below on a loaded machine, and a
		// request in flight that lasts well beyond the delay, so that it is still
		// running when the server stops accepting connections
		int port = start("--graceful-shutdown.propagation-delay=4s");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		CompletableFuture<HttpResponse<String>> inFlight = this.client.sendAsync(port, "/slow?ms=10000");
		awaitInFlight(1);
		assertThat(registry.find("shutdown.phase.duration").timers()).isEmpty();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(coordinator::isShuttingDown);

		HttpResponse<String> duringDelay = this.client.send(port, "/slow?ms=0");
		assertThat(duringDelay.statusCode()).isEqualTo(200);
		assertThat(duringDelay.headers().firstValue("connection")).hasValue("close");
		assertThat(this.client.send(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);

		await().atMost(WAIT).until(() -> this.client.isRefused(port));
		assertThat(inFlight).isNotDone();
		assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		closed.get(30, TimeUnit.SECONDS);
		assertThat(this.client.isRefused(port)).isTrue();

		assertThat(PhaseTimers.timer(registry, "propagation", "completed").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "propagation", "completed").totalTime(TimeUnit.MILLISECONDS))
			.isGreaterThan(3900);
		// The drain waited for the request in flight: about 6 s of it were left
		assertThat(PhaseTimers.timer(registry, "http", "completed").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "http", "completed").totalTime(TimeUnit.MILLISECONDS))
			.isGreaterThan(3000);
		assertThat(PhaseTimers.timer(registry, "readiness", "completed").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "total", "completed").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "http", "timed_out").count()).isZero();
	}

	@Test
	void http2ResponsesDuringTheDelayCarryNoConnectionHeader() throws Exception {
		int port = start("--server.http2.enabled=true", "--graceful-shutdown.propagation-delay=4s");
		HttpClient http2 = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		assertThat(http2.send(http2Request(port), BodyHandlers.ofString()).version())
			.isEqualTo(HttpClient.Version.HTTP_2);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(coordinator::isShuttingDown);

		// A connection-specific header field makes an HTTP/2 response malformed
		HttpResponse<String> duringDelay = http2.send(http2Request(port), BodyHandlers.ofString());
		assertThat(duringDelay.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(duringDelay.statusCode()).isEqualTo(200);
		assertThat(duringDelay.headers().firstValue("connection")).isEmpty();
		closed.get(30, TimeUnit.SECONDS);
	}

	@Test
	void drainThatOverrunsTheBudgetIsTimedOut(CapturedOutput output) throws Exception {
		int port = start("--graceful-shutdown.timeout=4s", "--graceful-shutdown.force-exit.on-timeout=false");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		this.client.sendAsync(port, "/slow?ms=20000");
		awaitInFlight(1);
		long start = System.nanoTime();
		this.context.close();
		Duration closing = Duration.ofNanos(System.nanoTime() - start);
		assertThat(closing).isLessThan(Duration.ofSeconds(15));
		assertThat(PhaseTimers.timer(registry, "http", "timed_out").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "total", "timed_out").count()).isOne();
		assertThat(output).contains("Graceful shutdown phase 'http' timed out after");
	}

	/**
	 * Start the application, with the health endpoint exposed.
	 * @param args further arguments
	 * @return the port of its web server
	 */
	protected int start(String... args) {
		String[] all = new String[args.length + 1];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--management.endpoints.web.exposure.include=health";
		this.context = run(all);
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	protected void awaitInFlight(int count) {
		InFlightRequests inFlightRequests = this.context.getBean(InFlightRequests.class);
		await().atMost(WAIT).until(() -> inFlightRequests.count() == count);
	}

	private static HttpRequest http2Request(int port) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=0"))
			.timeout(Duration.ofSeconds(30))
			.build();
	}

}
