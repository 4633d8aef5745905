package io.github.gracefulshutdown.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.PhaseTimers;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.tomcat.websocket.server.WsContextListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of {@link LongLivedConnections}: event streams, long polls and
 * WebSocket sessions that the application never ends, on a real Tomcat closed as the
 * shutdown hook would close it.
 */
@ExtendWith(OutputCaptureExtension.class)
class LongLivedRequestsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Duration DELAY = Duration.ofSeconds(1);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ConfigurableApplicationContext context;

	private MeterRegistry registry;

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void eventStreamEndsCleanlyWhenTheDrainStarts(CapturedOutput output) throws Exception {
		int port = start();
		HttpResponse<Stream<String>> response = this.client.send(request(port, "/events"), BodyHandlers.ofLines());
		assertThat(response.statusCode()).isEqualTo(200);
		CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> response.body().toList());
		awaitInFlight(1);

		Duration closing = close();

		assertThat(closing).isLessThan(DELAY.plusSeconds(5));
		// A reset would fail the body stream with an IOException
		assertThat(lines.get(10, TimeUnit.SECONDS)).contains("data:hello");
		assertThat(timer("http", "completed").count()).isOne();
		assertThat(output).contains("Ended 1 event stream(s) and closed 0 WebSocket session(s) before the HTTP drain");
	}

	@Test
	void eventStreamEndsBeforeItsRequestIsReportedComplete() throws Exception {
		// Tomcat reports a completed request to its drain (and to the application) before
		// it writes the end of the response; the server's stop right after the drain
		// could cut that end off. Here the application's completion callback holds the
		// request: the client must still read the end of the stream meanwhile
		int port = start();
		StreamingApplication application = this.context.getBean(StreamingApplication.class);
		HttpResponse<Stream<String>> response = this.client.send(request(port, "/held-events"), BodyHandlers.ofLines());
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> response.body().toList(),
					executor);
			awaitInFlight(1);
			CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close, executor);
			assertThat(lines.get(10, TimeUnit.SECONDS)).contains("data:hello");
			// The drain still waits for the request
			assertThat(closed).isNotDone();
			application.releaseCompletion.countDown();
			closed.get(30, TimeUnit.SECONDS);
		}
		finally {
			application.releaseCompletion.countDown();
			executor.shutdownNow();
		}
	}

	@Test
	void longPollIsAnsweredWithServiceUnavailableAfterTheGracePeriodWhileShortAsyncWorkFinishes(CapturedOutput output)
			throws Exception {
		// The work is still running when the drain starts (1 s into the shutdown) and
		// ends well before the grace period does (4.5 s into it)
		Duration gracePeriod = Duration.ofMillis(3500);
		int port = start("--graceful-shutdown.web.async-grace-period=" + gracePeriod.toMillis() + "ms");
		CompletableFuture<HttpResponse<String>> poll = this.client.sendAsync(request(port, "/poll"),
				BodyHandlers.ofString());
		awaitInFlight(1);
		CompletableFuture<HttpResponse<String>> work = this.client.sendAsync(request(port, "/work?ms=2000"),
				BodyHandlers.ofString());
		awaitInFlight(2);

		Duration closing = close();

		assertThat(closing).isLessThan(DELAY.plus(gracePeriod).plusSeconds(5));
		HttpResponse<String> pollResponse = poll.get(10, TimeUnit.SECONDS);
		assertThat(pollResponse.statusCode()).isEqualTo(503);
		assertThat(pollResponse.headers().firstValue("connection")).hasValue("close");
		assertThat(pollResponse.body()).isEmpty();
		HttpResponse<String> workResponse = work.get(10, TimeUnit.SECONDS);
		assertThat(workResponse.statusCode()).isEqualTo(200);
		assertThat(workResponse.body()).isEqualTo("worked 2000");
		assertThat(timer("http", "completed").count()).isOne();
		assertThat(output)
			.contains("Answered 1 asynchronous request(s) still waiting after the 3500 ms grace period with 503");
	}

	@Test
	void longPollOverHttp2IsAnsweredWithServiceUnavailableWithoutConnectionHeader() throws Exception {
		int port = start("--server.http2.enabled=true", "--graceful-shutdown.web.async-grace-period=0ms");
		HttpClient http2 = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		assertThat(http2.send(request(port, "/work?ms=0"), BodyHandlers.ofString()).version())
			.isEqualTo(HttpClient.Version.HTTP_2);
		CompletableFuture<HttpResponse<String>> poll = http2.sendAsync(request(port, "/poll"), BodyHandlers.ofString());
		awaitInFlight(1);

		close();

		// A connection-specific header field makes an HTTP/2 response malformed
		HttpResponse<String> pollResponse = poll.get(10, TimeUnit.SECONDS);
		assertThat(pollResponse.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(pollResponse.statusCode()).isEqualTo(503);
		assertThat(pollResponse.headers().firstValue("connection")).isEmpty();
	}

	@Test
	void webSocketSessionIsClosedWithGoingAway(CapturedOutput output) throws Exception {
		int port = start();
		StreamingApplication application = this.context.getBean(StreamingApplication.class);
		EchoHandler handler = this.context.getBean(EchoHandler.class);
		assertThat(AopUtils.isCglibProxy(handler)).isTrue();
		CompletableFuture<Integer> closeCode = new CompletableFuture<>();
		this.client.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new CloseCodeListener(closeCode))
			.get(10, TimeUnit.SECONDS);
		assertThat(application.webSocketOpened.await(10, TimeUnit.SECONDS)).isTrue();

		Duration closing = close();

		assertThat(closing).isLessThan(DELAY.plusSeconds(5));
		assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
		assertThat(output).contains("Ended 0 event stream(s) and closed 1 WebSocket session(s) before the HTTP drain");
	}

	@Test
	void whenLongLivedRequestsWaitThenTheDrainWaitsForTheEventStream() throws Exception {
		int port = start("--graceful-shutdown.web.long-lived-requests=wait");
		StreamingApplication application = this.context.getBean(StreamingApplication.class);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		HttpResponse<Stream<String>> response = this.client.send(request(port, "/events"), BodyHandlers.ofLines());
		CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> response.body().toList());
		awaitInFlight(1);

		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(() -> coordinator.getReport().summary().contains("propagation="));
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> !lines.isDone() && !closed.isDone());
		application.emitters.forEach(SseEmitter::complete);

		assertThat(lines.get(10, TimeUnit.SECONDS)).contains("data:hello");
		closed.get(10, TimeUnit.SECONDS);
		assertThat(timer("http", "completed").count()).isOne();
		assertThat(timer("propagation", "completed").totalTime(TimeUnit.MILLISECONDS)).isLessThan(5000);
	}

	@Test
	void whenLongLivedRequestsWaitThenWebSocketSessionIsCutWhenTheServerStops() throws Exception {
		// What plain Spring Boot does: the session does not hold the drain, and the web
		// server stop closes its connection without a close frame
		int port = start("--graceful-shutdown.web.long-lived-requests=wait");
		StreamingApplication application = this.context.getBean(StreamingApplication.class);
		CompletableFuture<Integer> closeCode = new CompletableFuture<>();
		this.client.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new CloseCodeListener(closeCode))
			.get(10, TimeUnit.SECONDS);
		assertThat(application.webSocketOpened.await(10, TimeUnit.SECONDS)).isTrue();

		close();

		assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1006);
	}

	private int start(String... args) {
		String[] all = Stream.concat(Stream.of(args),
				Stream.of("--server.port=0", "--spring.main.banner-mode=off",
						"--graceful-shutdown.propagation-delay=" + DELAY.toMillis() + "ms",
						"--graceful-shutdown.force-exit.on-timeout=false"))
			.toArray(String[]::new);
		this.context = new SpringApplicationBuilder(StreamingApplication.class).run(all);
		this.registry = this.context.getBean(MeterRegistry.class);
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private Duration close() {
		long start = System.nanoTime();
		this.context.close();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private void awaitInFlight(int count) {
		InFlightRequests inFlightRequests = this.context.getBean(InFlightRequests.class);
		await().atMost(WAIT).until(() -> inFlightRequests.count() == count);
	}

	private Timer timer(String phase, String outcome) {
		return PhaseTimers.timer(this.registry, phase, outcome);
	}

	private static HttpRequest request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableWebSocket
	@RestController
	static class StreamingApplication implements WebSocketConfigurer {

		final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();

		final CountDownLatch webSocketOpened = new CountDownLatch(1);

		final CountDownLatch releaseCompletion = new CountDownLatch(1);

		@GetMapping("/events")
		SseEmitter events() throws Exception {
			// No timeout, never completed by the application
			SseEmitter emitter = new SseEmitter(0L);
			emitter.send(SseEmitter.event().data("hello"));
			this.emitters.add(emitter);
			return emitter;
		}

		@GetMapping("/held-events")
		SseEmitter heldEvents() throws Exception {
			SseEmitter emitter = new SseEmitter(0L);
			emitter.onCompletion(() -> {
				try {
					this.releaseCompletion.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			emitter.send(SseEmitter.event().data("hello"));
			return emitter;
		}

		@GetMapping("/poll")
		DeferredResult<String> poll() {
			// No timeout, no result ever
			return new DeferredResult<>(0L);
		}

		@GetMapping("/work")
		CompletableFuture<String> work(@RequestParam long ms) {
			return CompletableFuture.supplyAsync(() -> "worked " + ms,
					CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
		}

		@Bean
		EchoHandler echoHandler() {
			return new EchoHandler(this.webSocketOpened);
		}

		@Override
		public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
			registry.addHandler(echoHandler(), "/ws");
		}

		// What spring-boot-websocket does for Tomcat: install the Jakarta
		// WebSocket container
		@Bean
		WebServerFactoryCustomizer<TomcatServletWebServerFactory> webSocketContainerCustomizer() {
			return (factory) -> factory
				.addContextCustomizers((context) -> context.addApplicationListener(WsContextListener.class.getName()));
		}

	}

	static class EchoHandler extends TextWebSocketHandler {

		private final CountDownLatch opened;

		EchoHandler(CountDownLatch opened) {
			this.opened = opened;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			this.opened.countDown();
		}

	}

	private static final class CloseCodeListener implements WebSocket.Listener {

		private final CompletableFuture<Integer> closeCode;

		private CloseCodeListener(CompletableFuture<Integer> closeCode) {
			this.closeCode = closeCode;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closeCode.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closeCode.completeExceptionally(error);
		}

	}

}
