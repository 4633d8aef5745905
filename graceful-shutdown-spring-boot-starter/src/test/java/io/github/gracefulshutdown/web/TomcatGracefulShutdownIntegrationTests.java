package io.github.gracefulshutdown.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.PhaseTimers;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseListener;
import io.github.gracefulshutdown.ShutdownPhaseNames;
import io.github.gracefulshutdown.ShutdownSignal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the graceful shutdown of a Spring MVC application on a real
 * Tomcat, closed as the shutdown hook would close it.
 */
class TomcatGracefulShutdownIntegrationTests extends AbstractWebServerGracefulShutdownTests {

	@Override
	protected ConfigurableApplicationContext run(String... args) {
		return SlowWebApplication.run(args);
	}

	@Test
	void readinessStaysDownWhenAcceptingTrafficArrivesAfterTheShutdownBegan() throws Exception {
		int port = start("--graceful-shutdown.propagation-delay=4s");
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(coordinator::isShuttingDown);
		AvailabilityChangeEvent.publish(this.context, ReadinessState.ACCEPTING_TRAFFIC);
		assertThat(this.client.send(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
		closed.get(30, TimeUnit.SECONDS);
	}

	@Test
	void lifecycleTimeoutPerShutdownPhaseDoesNotCutTheDrainShort() throws Exception {
		int port = start("--spring.lifecycle.timeout-per-shutdown-phase=1s");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		CompletableFuture<HttpResponse<String>> inFlight = this.client.sendAsync(port, "/slow?ms=3000");
		awaitInFlight(1);
		this.context.close();
		assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		Timer http = PhaseTimers.timer(registry, "http", "completed");
		assertThat(http.count()).isOne();
		assertThat(http.totalTime(TimeUnit.MILLISECONDS)).isGreaterThan(1500);
	}

	@Test
	void drainIsBoundedByTheBudgetLeftAfterEarlierPhases() throws Exception {
		this.context = SlowWebApplication.run(new Class<?>[] { SlowToStopConfiguration.class },
				"--graceful-shutdown.timeout=10s", "--graceful-shutdown.force-exit.on-timeout=false");
		int port = SlowWebApplication.port(this.context);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		HttpEndRecorder httpEnd = this.context.getBean(HttpEndRecorder.class);
		this.client.sendAsync(port, "/slow?ms=40000");
		awaitInFlight(1);
		this.context.close();
		// The lifecycle took 3 s of the 10 s before the drain started: a drain
		// timeout fixed at startup (10 s less the 1 s close reserve) would end it
		// 2 s after the deadline
		assertThat(httpEnd.outcome).isEqualTo(ShutdownOutcome.TIMED_OUT);
		assertThat(httpEnd.endedAt).isBefore(coordinator.deadline());
	}

	@Test
	void stoppingAndRestartingTheContextIsNoShutdown() throws Exception {
		// What an on-demand CRaC checkpoint does to the lifecycle beans, and a
		// context.stop()
		start("--graceful-shutdown.propagation-delay=1s");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		ShutdownCoordinator coordinator = this.context.getBean(ShutdownCoordinator.class);
		ShutdownSignal signal = this.context.getBean(ShutdownSignal.class);
		this.context.stop();
		this.context.start();

		assertThat(coordinator.isShuttingDown()).isFalse();
		assertThat(signal.isShutdownRequested()).isFalse();
		assertThat(registry.isClosed()).isFalse();
		assertThat(registry.find("shutdown.phase.duration").timers()).isEmpty();
		// Tomcat binds a new free port when it starts again
		HttpResponse<String> afterRestart = this.client.send(SlowWebApplication.port(this.context), "/slow?ms=0");
		assertThat(afterRestart.statusCode()).isEqualTo(200);
		assertThat(afterRestart.headers().firstValue("connection")).isEmpty();

		this.context.close();
		assertThat(signal.isShutdownRequested()).isTrue();
		assertThat(PhaseTimers.timer(registry, "propagation", "completed").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "http", "completed").count()).isOne();
		assertThat(PhaseTimers.timer(registry, "total", "completed").count()).isOne();
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowToStopConfiguration {

		@Bean
		SmartLifecycle slowToStop() {
			return new SlowToStopLifecycle(Duration.ofSeconds(3));
		}

		@Bean
		HttpEndRecorder httpEndRecorder() {
			return new HttpEndRecorder();
		}

	}

	/**
	 * An application lifecycle in the default phase, which stops before the starter's
	 * phases, and takes a while to do so.
	 */
	static class SlowToStopLifecycle implements SmartLifecycle {

		private final Duration stopTime;

		private volatile boolean running;

		SlowToStopLifecycle(Duration stopTime) {
			this.stopTime = stopTime;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public void stop(Runnable callback) {
			this.running = false;
			CompletableFuture.runAsync(callback,
					CompletableFuture.delayedExecutor(this.stopTime.toMillis(), TimeUnit.MILLISECONDS));
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	/**
	 * Records when and how the {@code http} phase ended.
	 */
	static class HttpEndRecorder implements ShutdownPhaseListener {

		volatile @Nullable Instant endedAt;

		volatile @Nullable ShutdownOutcome outcome;

		@Override
		public void phaseEnded(String phase, Duration duration, ShutdownOutcome outcome) {
			if (ShutdownPhaseNames.HTTP.equals(phase)) {
				this.endedAt = Instant.now();
				this.outcome = outcome;
			}
		}

	}

}
