package io.github.gracefulshutdown.actuate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownPhase;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.GracefulShutdownDescriptor;
import io.github.gracefulshutdown.actuate.GracefulShutdownEndpoint.PhaseDescriptor;
import io.github.gracefulshutdown.web.SlowWebApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the {@link GracefulShutdownEndpoint} over HTTP on a real Tomcat,
 * before the shutdown and during its propagation delay.
 */
class GracefulShutdownEndpointIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final SlowWebApplication.Client client = new SlowWebApplication.Client();

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	private ConfigurableApplicationContext context;

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void endpointIsNotExposedOverHttpUnlessIncluded() throws Exception {
		int port = start("--management.endpoints.web.exposure.include=health");
		assertThat(this.client.send(port, "/actuator/gracefulshutdown").statusCode()).isEqualTo(404);
	}

	@Test
	void answersWithTheConfigurationBeforeTheShutdownAndTheLiveStateDuringThePropagationDelay() throws Exception {
		int port = start("--management.endpoints.web.exposure.include=gracefulshutdown",
				"--graceful-shutdown.timeout=20s", "--graceful-shutdown.propagation-delay=4s",
				"--graceful-shutdown.kafka.timeout=5s");
		HttpResponse<String> before = this.client.send(port, "/actuator/gracefulshutdown");
		assertThat(before.statusCode()).isEqualTo(200);
		JsonContent<Object> running = this.json.from(before.body());
		assertThat(running).extractingJsonPathStringValue("$.state").isEqualTo("running");
		assertThat(running).extractingJsonPathNumberValue("$.configuration.timeoutMillis").isEqualTo(20000);
		assertThat(running).extractingJsonPathNumberValue("$.configuration.propagationDelayMillis").isEqualTo(4000);
		assertThat(running).doesNotHaveJsonPath("$.configuration.propagationQuietPeriodMillis");
		assertThat(running).extractingJsonPathNumberValue("$.configuration.propagationMinDelayMillis").isEqualTo(0);
		assertThat(running).extractingJsonPathNumberValue("$.configuration.kafkaTimeoutMillis").isEqualTo(5000);
		assertThat(running).extractingJsonPathNumberValue("$.configuration.schedulingTimeoutMillis").isEqualTo(8000);
		assertThat(running).extractingJsonPathNumberValue("$.configuration.phaseTimeoutMillis").isEqualTo(15000);
		assertThat(running).extractingJsonPathNumberValue("$.configuration.closeReserveMillis").isEqualTo(1000);
		assertThat(running).extractingJsonPathBooleanValue("$.configuration.forceExit.onTimeout").isTrue();
		assertThat(running).extractingJsonPathBooleanValue("$.configuration.forceExit.onSecondSignal").isTrue();
		assertThat(running).extractingJsonPathNumberValue("$.budget.afterPropagationMillis").isEqualTo(16000);
		assertThat(running).extractingJsonPathNumberValue("$.budget.minimumGracePeriodSeconds").isEqualTo(22);
		assertThat(running).extractingJsonPathNumberValue("$.inFlightRequests").isEqualTo(1);
		assertThat(running).doesNotHaveJsonPath("$.shutdown").doesNotHaveJsonPath("$.budget.fitsInGracePeriod");
		JsonContent<Object> gracePeriod = this.json
			.from(this.client.send(port, "/actuator/gracefulshutdown?terminationGracePeriodSeconds=21").body());
		assertThat(gracePeriod).extractingJsonPathNumberValue("$.budget.gracePeriodSeconds").isEqualTo(21);
		assertThat(gracePeriod).extractingJsonPathBooleanValue("$.budget.fitsInGracePeriod").isFalse();

		GracefulShutdownEndpoint endpoint = this.context.getBean(GracefulShutdownEndpoint.class);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		CompletableFuture<HttpResponse<String>> inFlight = this.client.sendAsync(port, "/slow?ms=6000");
		InFlightRequests inFlightRequests = this.context.getBean(InFlightRequests.class);
		await().atMost(WAIT).until(() -> inFlightRequests.count() == 1);
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT)
			.until(() -> coordinator.runningPhases()
				.stream()
				.map(ShutdownPhase::name)
				.anyMatch(ShutdownPhaseNames.PROPAGATION::equals));

		HttpResponse<String> during = this.client.send(port, "/actuator/gracefulshutdown");
		assertThat(during.statusCode()).isEqualTo(200);
		assertThat(during.headers().firstValue("connection")).hasValue("close");
		JsonContent<Object> propagating = this.json.from(during.body());
		assertThat(propagating).extractingJsonPathStringValue("$.state").isEqualTo("propagating");
		assertThat(propagating).extractingJsonPathNumberValue("$.configuration.timeoutMillis").isEqualTo(20000);
		assertThat(propagating).extractingJsonPathNumberValue("$.configuration.propagationDelayMillis").isEqualTo(4000);
		assertThat(propagating).extractingJsonPathNumberValue("$.inFlightRequests").isEqualTo(2);
		assertThat(propagating).extractingJsonPathStringValue("$.shutdown.startedAt").isNotBlank();
		assertThat(propagating).extractingJsonPathArrayValue("$.shutdown.runningPhases[*].name")
			.containsExactly("propagation");
		assertThat(propagating).extractingJsonPathNumberValue("$.shutdown.runningPhases[0].elapsedMillis")
			.satisfies((elapsed) -> assertThat(elapsed.longValue()).isBetween(0L, 4000L));
		assertThat(propagating).extractingJsonPathArrayValue("$.shutdown.phases[*].name").containsExactly("readiness");
		assertThat(propagating).extractingJsonPathArrayValue("$.shutdown.phases[*].outcome")
			.containsExactly("completed");
		assertThat(propagating).extractingJsonPathNumberValue("$.shutdown.remainingMillis")
			.satisfies((remaining) -> assertThat(remaining.longValue()).isBetween(15000L, 20000L));

		assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		closed.get(30, TimeUnit.SECONDS);
		GracefulShutdownDescriptor stopped = endpoint.gracefulShutdown(null);
		assertThat(stopped.state()).isEqualTo("stopped");
		assertThat(stopped.shutdown()).isNotNull();
		assertThat(stopped.shutdown().phases()).extracting(PhaseDescriptor::name)
			.startsWith("readiness", "propagation")
			.contains("http")
			.endsWith("total");
		assertThat(stopped.shutdown().phases()).extracting(PhaseDescriptor::outcome).doesNotContain("timed_out");
	}

	private int start(String... args) {
		this.context = SlowWebApplication.run(args);
		return SlowWebApplication.port(this.context);
	}

}
