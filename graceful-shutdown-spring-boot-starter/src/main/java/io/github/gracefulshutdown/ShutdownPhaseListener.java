package io.github.gracefulshutdown;

import java.time.Duration;

/**
 * Listener notified as the shutdown progresses. Implementations are picked up as beans;
 * the metrics integration is one. Callbacks run on the thread that ends the phase and
 * must return quickly; exceptions are logged and do not affect the shutdown.
 *
 * @since 0.1.0
 */
public interface ShutdownPhaseListener {

	/**
	 * Called when a phase starts.
	 * @param phase the phase name, for example {@link ShutdownPhaseNames#HTTP}
	 */
	default void phaseStarted(String phase) {
	}

	/**
	 * Called when a phase ends, including the {@link ShutdownPhaseNames#TOTAL total}.
	 * @param phase the phase name
	 * @param duration how long the phase ran
	 * @param outcome how the phase ended
	 */
	void phaseEnded(String phase, Duration duration, ShutdownOutcome outcome);

}
