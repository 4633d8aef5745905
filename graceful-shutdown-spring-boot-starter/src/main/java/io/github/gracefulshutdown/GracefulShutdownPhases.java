package io.github.gracefulshutdown;

import org.springframework.context.SmartLifecycle;

/**
 * {@link SmartLifecycle#getPhase() Lifecycle phases} used by the starter, placed relative
 * to the phases of Spring Framework, Spring Boot and Spring Kafka. Beans stop in
 * descending phase order, so a higher value stops earlier.
 * <p>
 * The propagation delay is not a phase: it runs in a
 * {@link org.springframework.context.event.ContextClosedEvent} listener before any
 * lifecycle bean is stopped.
 *
 * @since 0.1.0
 */
public final class GracefulShutdownPhases {

	/**
	 * Phase of Spring Kafka's listener containers and of the
	 * {@code KafkaListenerEndpointRegistry} ({@code Integer.MAX_VALUE - 100}).
	 */
	public static final int KAFKA_LISTENER_CONTAINERS = SmartLifecycle.DEFAULT_PHASE - 100;

	/**
	 * Phase in which the starter starts stopping workers (Kafka listener containers,
	 * scheduled tasks) asynchronously, so that they stop in parallel with the HTTP drain.
	 * Higher than {@link #KAFKA_LISTENER_CONTAINERS}, so the containers are still running
	 * when it begins.
	 */
	public static final int WORKERS_STOP = SmartLifecycle.DEFAULT_PHASE - 50;

	/**
	 * Phase in which the starter ends long-lived HTTP connections (event streams, pending
	 * asynchronous requests, WebSocket sessions) so that the HTTP drain does not wait for
	 * them until its timeout. Just before {@link #HTTP_DRAIN_START}, so after
	 * {@link #WORKERS_STOP} (the {@link ShutdownSignal} has fired and applications had
	 * the chance to end their own streams) and while the connectors still run.
	 */
	public static final int LONG_LIVED_REQUESTS = SmartLifecycle.DEFAULT_PHASE - 1022;

	/**
	 * Phase of Spring Boot's web server graceful shutdown
	 * ({@code WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE}): connectors are
	 * paused and in-flight requests drain.
	 */
	public static final int WEB_SERVER_GRACEFUL_SHUTDOWN = SmartLifecycle.DEFAULT_PHASE - 1024;

	/**
	 * Phase just before {@link #WEB_SERVER_GRACEFUL_SHUTDOWN}: the HTTP drain starts.
	 */
	public static final int HTTP_DRAIN_START = WEB_SERVER_GRACEFUL_SHUTDOWN + 1;

	/**
	 * Phase just after {@link #WEB_SERVER_GRACEFUL_SHUTDOWN}: the HTTP drain has ended
	 * and the workers stopped in {@link #WORKERS_STOP} are awaited.
	 */
	public static final int HTTP_DRAIN_END = WEB_SERVER_GRACEFUL_SHUTDOWN - 1;

	/**
	 * Phase in which the starter waits for the workers stopped in {@link #WORKERS_STOP}:
	 * the same as {@link #HTTP_DRAIN_END}, so the wait starts once the HTTP drain is
	 * over.
	 */
	public static final int WORKERS_AWAIT = HTTP_DRAIN_END;

	/**
	 * Phase of Spring's task executors and schedulers
	 * ({@code ExecutorConfigurationSupport.DEFAULT_PHASE},
	 * {@code Integer.MAX_VALUE / 2}).
	 */
	public static final int EXECUTORS = Integer.MAX_VALUE / 2;

	/**
	 * Phase just after {@link #EXECUTORS}: every phase of the starter has ended and the
	 * summary is logged. Bean destruction follows.
	 */
	public static final int COMPLETE = EXECUTORS - 1;

	/**
	 * Phase just after {@link #COMPLETE}: the meter registries, whose closing Spring Boot
	 * would do at the start of the shutdown, are closed, so that push registries publish
	 * the phase timings.
	 */
	public static final int METER_REGISTRIES_CLOSE = COMPLETE - 1;

	private GracefulShutdownPhases() {
	}

}
