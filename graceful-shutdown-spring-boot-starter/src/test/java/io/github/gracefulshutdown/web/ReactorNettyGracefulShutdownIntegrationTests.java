package io.github.gracefulshutdown.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.PhaseTimers;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests of the graceful shutdown of a Spring WebFlux application on a real
 * Reactor Netty server, closed as the shutdown hook would close it.
 */
class ReactorNettyGracefulShutdownIntegrationTests extends AbstractWebFluxGracefulShutdownTests {

	@Override
	protected String[] serverArgs() {
		return new String[0];
	}

	@Test
	void whenLongLivedRequestsWaitThenTheDrainWaitsForTheEventStream() throws Exception {
		int port = start("--graceful-shutdown.web.long-lived-requests=wait", "--graceful-shutdown.timeout=4s",
				"--graceful-shutdown.force-exit.on-timeout=false");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		this.client.sendAsync(port, "/events");
		awaitInFlight(1);
		this.context.close();
		assertThat(PhaseTimers.timer(registry, "http", "timed_out").count()).isOne();
	}

	@Test
	void whenLongLivedRequestsWaitThenWebSocketSessionHoldsTheDrain() throws Exception {
		// What plain Spring Boot does on Reactor Netty: the drain waits for the session
		int port = start("--graceful-shutdown.web.long-lived-requests=wait", "--graceful-shutdown.timeout=4s",
				"--graceful-shutdown.force-exit.on-timeout=false");
		SlowReactiveApplication application = this.context.getBean(SlowReactiveApplication.class);
		CompletableFuture<Integer> closeCode = connectWebSocket(port);
		assertThat(application.webSocketOpened.await(10, TimeUnit.SECONDS)).isTrue();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		this.context.close();
		assertThat(PhaseTimers.timer(registry, "http", "timed_out").count()).isOne();
		assertThat(closeCode.handle((code, ex) -> code).get(10, TimeUnit.SECONDS)).isNotEqualTo(1001);
	}

	@Test
	void requestsToTheManagementServerAreNotTheApplicationsRequests() throws Exception {
		// A base path of / so that the filter would not take the path for a probe's
		int port = start("--management.server.port=0", "--management.endpoints.web.base-path=/",
				"--spring.autoconfigure.exclude=org.springframework.boot.tomcat.autoconfigure.actuate.web.server."
						+ "TomcatReactiveManagementContextAutoConfiguration");
		int managementPort = Integer.parseInt(this.context.getEnvironment().getProperty("local.management.port"));
		ShutdownWebFilter filter = this.context.getBean(ShutdownWebFilter.class);
		this.context.getBean(ShutdownCoordinator.class).begin(() -> true);
		HttpResponse<String> health = get(managementPort, "/health");
		assertThat(health.headers().firstValue("Connection")).isEmpty();
		assertThat(filter.lastArrivalNanos()).isEmpty();
		// The application's own requests
		HttpResponse<String> slow = get(port, "/slow?ms=0");
		assertThat(slow.headers().firstValue("Connection")).hasValue("close");
		assertThat(filter.lastArrivalNanos()).isPresent();
	}

	private static HttpResponse<String> get(int port, String path) throws Exception {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.build()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(30))
				.build(), BodyHandlers.ofString());
	}

}
