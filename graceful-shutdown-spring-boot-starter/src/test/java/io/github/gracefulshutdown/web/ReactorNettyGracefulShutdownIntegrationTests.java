package io.github.gracefulshutdown.web;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.PhaseTimers;
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

}
