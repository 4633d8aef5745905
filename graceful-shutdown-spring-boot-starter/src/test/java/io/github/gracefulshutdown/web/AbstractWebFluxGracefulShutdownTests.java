package io.github.gracefulshutdown.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.gracefulshutdown.PhaseTimers;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.StandardWebSocketUpgradeStrategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the graceful shutdown of a Spring WebFlux application on a real
 * server, closed as the shutdown hook would close it: the scenarios of every web stack,
 * and those of reactive applications (event streams, WebSocket sessions, keep-alive
 * connections).
 */
abstract class AbstractWebFluxGracefulShutdownTests extends AbstractWebServerGracefulShutdownTests {

	@Override
	protected ConfigurableApplicationContext run(String... args) {
		String[] server = serverArgs();
		String[] all = new String[args.length + server.length + 2];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(server, 0, all, args.length, server.length);
		all[all.length - 2] = "--server.port=0";
		all[all.length - 1] = "--spring.main.banner-mode=off";
		return new SpringApplicationBuilder(SlowReactiveApplication.class).web(WebApplicationType.REACTIVE).run(all);
	}

	/**
	 * Return the arguments that choose the server.
	 * @return the arguments
	 */
	protected abstract String[] serverArgs();

	@Test
	void eventStreamEndsCleanlyWhenTheDrainStarts(CapturedOutput output) throws Exception {
		int port = start();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		HttpResponse<Stream<String>> response = client
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
				.timeout(Duration.ofSeconds(30))
				.build(), BodyHandlers.ofLines());
		assertThat(response.statusCode()).isEqualTo(200);
		Iterator<String> lines = response.body().iterator();
		// Reading the body blocks: bounded like every other wait
		assertThat(CompletableFuture.supplyAsync(lines::next).get(30, TimeUnit.SECONDS)).isEqualTo("data:event 0");
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		// The body ends normally: the client reads the end of the stream, not a reset
		CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> lines.forEachRemaining((line) -> {
		}));
		ended.get(30, TimeUnit.SECONDS);
		closed.get(30, TimeUnit.SECONDS);
		assertThat(PhaseTimers.timer(registry, "http", "completed").count()).isOne();
		assertThat(output).contains("Ended 1 event stream(s) and closed 0 WebSocket session(s) before the HTTP drain");
	}

	@Test
	void webSocketSessionIsClosedWithGoingAway(CapturedOutput output) throws Exception {
		int port = start();
		SlowReactiveApplication application = this.context.getBean(SlowReactiveApplication.class);
		CompletableFuture<Integer> closeCode = connectWebSocket(port);
		assertThat(application.webSocketOpened.await(10, TimeUnit.SECONDS)).isTrue();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		this.context.close();
		assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
		assertThat(PhaseTimers.timer(registry, "http", "completed").count()).isOne();
		assertThat(output).contains("Ended 0 event stream(s) and closed 1 WebSocket session(s) before the HTTP drain");
	}

	protected CompletableFuture<Integer> connectWebSocket(int port) throws Exception {
		CompletableFuture<Integer> closeCode = new CompletableFuture<>();
		HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {

				@Override
				public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
					closeCode.complete(statusCode);
					return null;
				}

				@Override
				public void onError(WebSocket webSocket, Throwable error) {
					closeCode.completeExceptionally(error);
				}

			})
			.get(10, TimeUnit.SECONDS);
		return closeCode;
	}

	@Test
	void keepAliveConnectionIsClosedByTheServerAfterAResponseDuringTheDelay() throws Exception {
		int port = start("--graceful-shutdown.propagation-delay=4s");
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10_000);
			// Before the shutdown the connection stays open for the next request
			assertThat(exchange(socket, port)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection:");
			CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
			await().atMost(WAIT).until(coordinator::isShuttingDown);
			// exchange reads up to the end of the stream: the server closed
			// the connection
			assertThat(exchange(socket, port)).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
			closed.get(30, TimeUnit.SECONDS);
		}
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

		final CountDownLatch webSocketOpened = new CountDownLatch(1);

		// Spring WebFlux upgrades WebSocket requests the Reactor Netty way whenever
		// Reactor Netty is on the class path, as it is here: other servers need the
		// standard way
		@Bean
		@ConditionalOnProperty(name = "test.web-socket-upgrade", havingValue = "standard")
		WebFluxConfigurer standardWebSocketUpgrade() {
			return new WebFluxConfigurer() {

				@Override
				public WebSocketService getWebSocketService() {
					return new HandshakeWebSocketService(new StandardWebSocketUpgradeStrategy());
				}

			};
		}

		// A WebSocket endpoint whose sessions last until the client closes them
		@Bean
		HandlerMapping webSocketMapping() {
			return new SimpleUrlHandlerMapping(Map.of("/ws", echoHandler()), -1);
		}

		@Bean
		EchoHandler echoHandler() {
			return new EchoHandler(this.webSocketOpened);
		}

		// An event stream that never ends by itself
		@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<String> events() {
			return Flux.interval(Duration.ZERO, Duration.ofMillis(200)).map((i) -> "event " + i);
		}

	}

	static class EchoHandler implements WebSocketHandler {

		private final CountDownLatch opened;

		EchoHandler(CountDownLatch opened) {
			this.opened = opened;
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			this.opened.countDown();
			return session.send(session.receive().map((message) -> session.textMessage(message.getPayloadAsText())));
		}

	}

}
