package io.github.gracefulshutdown;

import java.util.List;

/**
 * Names of the shutdown phases the starter times, as they appear in log lines and in the
 * {@code phase} tag of the {@code shutdown.phase.duration} timer.
 *
 * @since 0.1.0
 */
public final class ShutdownPhaseNames {

	/**
	 * Publishing {@code ReadinessState.REFUSING_TRAFFIC}.
	 */
	public static final String READINESS = "readiness";

	/**
	 * The propagation delay, while the application still serves.
	 */
	public static final String PROPAGATION = "propagation";

	/**
	 * The HTTP drain: from connector pause to the last in-flight request done.
	 */
	public static final String HTTP = "http";

	/**
	 * Kafka listener containers: from stop request to every consumer stopped.
	 */
	public static final String KAFKA = "kafka";

	/**
	 * Scheduled tasks and executors: from trigger stop to running tasks finished.
	 */
	public static final String SCHEDULING = "scheduling";

	/**
	 * The whole shutdown, from its start to the end of the last phase.
	 */
	public static final String TOTAL = "total";

	/**
	 * Every standard phase name, in timeline order.
	 */
	public static final List<String> ALL = List.of(READINESS, PROPAGATION, HTTP, KAFKA, SCHEDULING, TOTAL);

	private ShutdownPhaseNames() {
	}

}
