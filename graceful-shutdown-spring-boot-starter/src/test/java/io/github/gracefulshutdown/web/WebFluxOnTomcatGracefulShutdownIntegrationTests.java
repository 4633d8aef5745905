package io.github.gracefulshutdown.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.PhaseTimers;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the graceful shutdown of a Spring WebFlux application on a real
 * Tomcat, closed as the shutdown hook would close it. Reactor Netty is on the class path
 * as well, so its server is left out.
 */
class WebFluxOnTomcatGracefulShutdownIntegrationTests extends AbstractWebFluxGracefulShutdownTests {

	@Override
	protected String[] serverArgs() {
		return new String[] { "--spring.autoconfigure.exclude="
				+ "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
				"--test.web-socket-upgrade=standard" };
	}

	@Test
	void whenLongLivedRequestsWaitThenWebSocketSessionIsLeftToTomcatsStop() throws Exception {
		// As on the servlet stack: Tomcat's drain does not wait for the session, so the
		// drain is not reported as timed out for it
		int port = start("--graceful-shutdown.web.long-lived-requests=wait", "--graceful-shutdown.timeout=4s",
				"--graceful-shutdown.force-exit.on-timeout=false");
		SlowReactiveApplication application = this.context.getBean(SlowReactiveApplication.class);
		CompletableFuture<Integer> closeCode = connectWebSocket(port);
		assertThat(application.webSocketOpened.await(10, TimeUnit.SECONDS)).isTrue();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		this.context.close();
		assertThat(PhaseTimers.timer(registry, "http", "completed").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "http", "timed_out").count()).isZero();
		// Ended by Tomcat's stop
		await().atMost(Duration.ofSeconds(10)).until(closeCode::isDone);
	}

}
