package io.github.gracefulshutdown;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The timers of the shutdown phases in a meter registry, for tests.
 */
public final class PhaseTimers {

	private PhaseTimers() {
	}

	/**
	 * Return the timer of a phase that ended with an outcome.
	 * @param registry the registry
	 * @param phase the phase name
	 * @param outcome the outcome tag
	 * @return the timer
	 * @throws io.micrometer.core.instrument.search.MeterNotFoundException if there is no
	 * such timer
	 */
	public static Timer timer(MeterRegistry registry, String phase, String outcome) {
		return registry.get("shutdown.phase.duration").tags("phase", phase, "outcome", outcome).timer();
	}

}
