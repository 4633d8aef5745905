package io.github.gracefulshutdown.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the graceful shutdown of a Spring WebFlux application on a real
 * Reactor Netty server, closed as the shutdown hook would close it.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReactorNettyGracefulShutdownIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final SlowWebApplication.Client client = new SlowWebApplication.Client();

	private ConfigurableApplicationContext context;

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void servesDuringTheDelayThenDrainsAndRefusesNewConnections() throws Exception {
		int port = start("--graceful-shutdown.propagation-delay=2s");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		CompletableFuture<HttpResponse<String>> inFlight = this.client.sendAsync(port, "/slow?ms=6000");
		awaitInFlight(1);
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(coordinator::isShuttingDown);

		HttpResponse<String> duringDelay = this.client.send(port, "/slow?ms=0");
		assertThat(duringDelay.statusCode()).isEqualTo(200);
		assertThat(duringDelay.headers().firstValue("connection")).hasValue("close");
		assertThat(this.client.send(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);

		await().atMost(WAIT).until(() -> isRefused(port));
		assertThat(inFlight).isNotDone();
		assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		closed.get(30, TimeUnit.SECONDS);

		assertThat(timer(registry, "propagation", "completed").count()).isOne();
		assertThat(timer(registry, "http", "completed").count()).isOne();
		assertThat(timer(registry, "http", "completed").totalTime(TimeUnit.MILLISECONDS)).isGreaterThan(1000);
		assertThat(timer(registry, "total", "completed").count()).isOne();
	}

	@Test
	void keepAliveConnectionIsClosedByTheServerAfterAResponseDuringTheDelay() throws Exception {
		int port = start("--graceful-shutdown.propagation-delay=3s");
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10_000);
			// Before the shutdown the connection stays open for the next request
			assertThat(exchange(socket, port)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection:");
			CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
			await().atMost(WAIT).until(coordinator::isShuttingDown);
			// exchange reads up to the end of the stream: the server closed the
			// connection
			assertThat(exchange(socket, port)).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
			closed.get(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void http2ResponsesDuringTheDelayCarryNoConnectionHeader() throws Exception {
		int port = start("--server.http2.enabled=true", "--graceful-shutdown.propagation-delay=2s");
		HttpClient http2 = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		assertThat(http2.send(http2Request(port), BodyHandlers.ofString()).version())
			.isEqualTo(HttpClient.Version.HTTP_2);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(coordinator::isShuttingDown);

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
		assertThat(timer(registry, "http", "timed_out").count()).isOne();
		assertThat(timer(registry, "total", "timed_out").count()).isOne();
		assertThat(output).contains("Graceful shutdown phase 'http' timed out after");
	}

	private int start(String... args) {
		String[] all = new String[args.length + 3];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--server.port=0";
		all[args.length + 1] = "--spring.main.banner-mode=off";
		all[args.length + 2] = "--management.endpoints.web.exposure.include=health";
		this.context = new SpringApplicationBuilder(SlowReactiveApplication.class).web(WebApplicationType.REACTIVE)
			.run(all);
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private void awaitInFlight(int count) {
		InFlightRequests inFlightRequests = this.context.getBean(InFlightRequests.class);
		await().atMost(WAIT).until(() -> inFlightRequests.count() == count);
	}

	// Sends a request on the connection and reads the response: its head and body, up to
	// the end of the stream if the server closes the connection after it
	private static String exchange(Socket socket, int port) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(("GET /slow?ms=0 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		String expectedBody = "slept 0";
		while (true) {
			int b = in.read();
			if (b == -1) {
				return response.toString(StandardCharsets.US_ASCII);
			}
			response.write(b);
			String text = response.toString(StandardCharsets.US_ASCII);
			if (text.endsWith(expectedBody) && !text.toLowerCase().contains("connection: close")) {
				return text;
			}
		}
	}

	private static HttpRequest http2Request(int port) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=0"))
			.timeout(Duration.ofSeconds(30))
			.build();
	}

	private static boolean isRefused(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Timer timer(MeterRegistry registry, String phase, String outcome) {
		return registry.get("shutdown.phase.duration").tags("phase", phase, "outcome", outcome).timer();
	}

	/**
	 * A WebFlux application whose {@code GET /slow?ms=N} answers after N milliseconds,
	 * without holding a thread.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class SlowReactiveApplication {

		@GetMapping("/slow")
		Mono<String> slow(@RequestParam long ms) {
			return Mono.delay(Duration.ofMillis(ms)).thenReturn("slept " + ms);
		}

	}

}
