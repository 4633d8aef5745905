package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.gracefulshutdown.ShutdownSignal;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the graceful shutdown.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful-shutdown")
public class GracefulShutdownProperties {

	private static final Duration MINIMUM_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * Total budget of the shutdown, from its start to the end of the last phase, at least
	 * 1s. Keep it below the pod's terminationGracePeriodSeconds; when it is exceeded, the
	 * watchdog logs the phases still running and halts the JVM.
	 */
	private Duration timeout = Duration.ofSeconds(25);

	/**
	 * Time to keep serving after readiness is set to refusing traffic, so that load
	 * balancers stop routing to the instance before anything closes. When not set, 5s on
	 * a detected cloud platform such as Kubernetes (at most half the timeout) and 0
	 * elsewhere.
	 */
	private @Nullable Duration propagationDelay;

	/**
	 * When set, the propagation delay ends early once no new HTTP request has arrived for
	 * this long, though not before propagation-min-delay; propagation-delay stays the
	 * upper bound. Probes and scrapes (Actuator endpoints, /livez, /readyz) do not count.
	 * Only safe when every load balancer's routing change shows up as a drop in new
	 * requests, as with L4 balancers and the "Connection: close" responses that make
	 * pinned clients reconnect through them; not for services where silence is normal, or
	 * for clients that keep one connection busy with long requests.
	 */
	private @Nullable Duration propagationQuietPeriod;

	/**
	 * Shortest propagation delay when propagation-quiet-period is set: the delay does not
	 * end before this time even if no request arrives.
	 */
	private Duration propagationMinDelay = Duration.ZERO;

	private final Web web = new Web();

	private final Kafka kafka = new Kafka();

	private final Scheduling scheduling = new Scheduling();

	private final ShutdownSignalProperties shutdownSignal = new ShutdownSignalProperties();

	private final ForceExit forceExit = new ForceExit();

	private final Metrics metrics = new Metrics();

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.timeout", DurationFormat.print(timeout),
					"the shutdown budget must be positive", "25s");
		}
		if (timeout.compareTo(MINIMUM_TIMEOUT) < 0) {
			// Most likely a number without a unit, meant as seconds
			throw new InvalidShutdownConfigurationException("graceful-shutdown.timeout", DurationFormat.print(timeout),
					"the shutdown budget must be at least 1s; a number without a unit is in milliseconds", "25s");
		}
		this.timeout = timeout;
	}

	public @Nullable Duration getPropagationDelay() {
		return this.propagationDelay;
	}

	public void setPropagationDelay(@Nullable Duration propagationDelay) {
		if (propagationDelay != null && propagationDelay.isNegative()) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.propagation-delay",
					DurationFormat.print(propagationDelay), "the propagation delay must not be negative", "5s");
		}
		this.propagationDelay = propagationDelay;
	}

	public @Nullable Duration getPropagationQuietPeriod() {
		return this.propagationQuietPeriod;
	}

	public void setPropagationQuietPeriod(@Nullable Duration propagationQuietPeriod) {
		// Zero would end the delay at once: leave the property unset for a fixed delay
		if (propagationQuietPeriod != null
				&& (propagationQuietPeriod.isNegative() || propagationQuietPeriod.isZero())) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.propagation-quiet-period",
					DurationFormat.print(propagationQuietPeriod),
					"the quiet period must be positive (leave it unset for a fixed propagation delay)", "1s");
		}
		this.propagationQuietPeriod = propagationQuietPeriod;
	}

	public Duration getPropagationMinDelay() {
		return this.propagationMinDelay;
	}

	public void setPropagationMinDelay(Duration propagationMinDelay) {
		if (propagationMinDelay.isNegative()) {
			throw new InvalidShutdownConfigurationException("graceful-shutdown.propagation-min-delay",
					DurationFormat.print(propagationMinDelay), "the minimum propagation delay must not be negative",
					"0s");
		}
		this.propagationMinDelay = propagationMinDelay;
	}

	public Web getWeb() {
		return this.web;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	public Scheduling getScheduling() {
		return this.scheduling;
	}

	public ShutdownSignalProperties getShutdownSignal() {
		return this.shutdownSignal;
	}

	public ForceExit getForceExit() {
		return this.forceExit;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	private static @Nullable Duration positive(String key, @Nullable Duration duration) {
		if (duration != null && (duration.isNegative() || duration.isZero())) {
			throw new InvalidShutdownConfigurationException(key, DurationFormat.print(duration),
					"the phase timeout must be positive", "10s");
		}
		return duration;
	}

	/**
	 * Web server settings.
	 */
	public static class Web {

		/**
		 * Whether responses carry "Connection: close" once the shutdown has begun, so
		 * that keep-alive clients reconnect through the load balancer to another
		 * instance. In Spring WebFlux applications, on Reactor Netty and Tomcat.
		 */
		private boolean connectionClose = true;

		/**
		 * What happens to long-lived requests when the HTTP drain starts: event streams
		 * (SSE), WebSocket sessions and asynchronous requests still waiting for their
		 * result (long polls). In Spring WebFlux applications, event streams and
		 * WebSocket sessions: the drain waits for the other requests.
		 */
		private LongLivedRequests longLivedRequests = LongLivedRequests.COMPLETE;

		/**
		 * Time that asynchronous requests still waiting for their result when the HTTP
		 * drain starts (long polls, DeferredResult, Callable, CompletableFuture) get to
		 * finish before they are answered with 503 Service Unavailable, when
		 * long-lived-requests is complete.
		 */
		private Duration asyncGracePeriod = Duration.ofSeconds(2);

		public boolean isConnectionClose() {
			return this.connectionClose;
		}

		public void setConnectionClose(boolean connectionClose) {
			this.connectionClose = connectionClose;
		}

		public LongLivedRequests getLongLivedRequests() {
			return this.longLivedRequests;
		}

		public void setLongLivedRequests(LongLivedRequests longLivedRequests) {
			this.longLivedRequests = longLivedRequests;
		}

		public Duration getAsyncGracePeriod() {
			return this.asyncGracePeriod;
		}

		public void setAsyncGracePeriod(Duration asyncGracePeriod) {
			if (asyncGracePeriod.isNegative()) {
				throw new InvalidShutdownConfigurationException("graceful-shutdown.web.async-grace-period",
						DurationFormat.print(asyncGracePeriod), "the grace period must not be negative", "2s");
			}
			this.asyncGracePeriod = asyncGracePeriod;
		}

	}

	/**
	 * What happens to long-lived HTTP requests when the HTTP drain starts.
	 */
	public enum LongLivedRequests {

		/**
		 * End them so that the drain does not wait for them: event streams are completed
		 * (the client sees a clean end of the stream and reconnects), WebSocket sessions
		 * are closed with status 1001 (going away), and asynchronous requests still
		 * waiting for their result after the async grace period are answered with 503.
		 */
		COMPLETE,

		/**
		 * Leave them: the drain waits for them as plain Spring Boot does, until they end
		 * or the drain times out.
		 */
		WAIT

	}

	/**
	 * Kafka listener container settings.
	 */
	public static class Kafka {

		/**
		 * Bound on the Kafka phase, from the stop request to every consumer stopped. When
		 * not set, half of the budget left after the propagation delay.
		 */
		private @Nullable Duration timeout;

		/**
		 * What to do with a listener still busy when the Kafka phase reaches its timeout.
		 */
		private KafkaOnTimeout onTimeout = KafkaOnTimeout.INTERRUPT;

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = positive("graceful-shutdown.kafka.timeout", timeout);
		}

		public KafkaOnTimeout getOnTimeout() {
			return this.onTimeout;
		}

		public void setOnTimeout(KafkaOnTimeout onTimeout) {
			this.onTimeout = onTimeout;
		}

	}

	/**
	 * What happens to a Kafka listener that is still busy when the Kafka phase times out.
	 */
	public enum KafkaOnTimeout {

		/**
		 * Interrupt the listener thread: the record in progress fails and is not
		 * committed, so it is redelivered; the offsets of the records processed before it
		 * are committed and the consumer leaves its group.
		 */
		INTERRUPT,

		/**
		 * Leave the listener running and go on with the shutdown: nothing more is
		 * committed, so every record of the current poll that was not committed is
		 * redelivered, and the consumer does not leave its group cleanly.
		 */
		ABANDON

	}

	/**
	 * Scheduled task and executor settings.
	 */
	public static class Scheduling {

		/**
		 * Bound on the scheduling phase, from the trigger stop to the running tasks
		 * finished. When not set, half of the budget left after the propagation delay.
		 */
		private @Nullable Duration timeout;

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = positive("graceful-shutdown.scheduling.timeout", timeout);
		}

	}

	/**
	 * Settings of the {@link ShutdownSignal} that application workers check.
	 */
	public static class ShutdownSignalProperties {

		/**
		 * When the shutdown signal fires: after the propagation delay, when the HTTP
		 * drain starts, or at the start of the shutdown.
		 */
		private ShutdownSignal.Moment fires = ShutdownSignal.Moment.AFTER_PROPAGATION_DELAY;

		public ShutdownSignal.Moment getFires() {
			return this.fires;
		}

		public void setFires(ShutdownSignal.Moment fires) {
			this.fires = fires;
		}

	}

	/**
	 * What happens when the shutdown does not end by itself.
	 */
	public static class ForceExit {

		/**
		 * Whether the watchdog halts the JVM when the shutdown exceeds its timeout. When
		 * false, it only logs the phases still running and the stacks of their threads.
		 */
		private boolean onTimeout = true;

		public boolean isOnTimeout() {
			return this.onTimeout;
		}

		public void setOnTimeout(boolean onTimeout) {
			this.onTimeout = onTimeout;
		}

	}

	/**
	 * Settings of the shutdown.phase.duration timer.
	 */
	public static class Metrics {

		/**
		 * Bucket boundaries of the shutdown.phase.duration histogram.
		 */
		private List<Duration> buckets = new ArrayList<>(List.of(Duration.ofMillis(100), Duration.ofMillis(250),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
				Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30),
				Duration.ofSeconds(45), Duration.ofSeconds(60), Duration.ofSeconds(90), Duration.ofSeconds(120)));

		public List<Duration> getBuckets() {
			return this.buckets;
		}

		public void setBuckets(List<Duration> buckets) {
			for (Duration bucket : buckets) {
				if (bucket.isNegative() || bucket.isZero()) {
					throw new InvalidShutdownConfigurationException("graceful-shutdown.metrics.buckets",
							DurationFormat.print(bucket), "every bucket boundary must be positive",
							"100ms,1s,5s,30s,120s");
				}
			}
			this.buckets = buckets;
		}

	}

}
