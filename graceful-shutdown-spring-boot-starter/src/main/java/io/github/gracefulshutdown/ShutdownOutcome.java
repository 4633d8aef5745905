package io.github.gracefulshutdown;

import java.util.Locale;

/**
 * How a shutdown phase ended.
 *
 * @since 0.1.0
 */
public enum ShutdownOutcome {

	/**
	 * The phase finished its work.
	 */
	COMPLETED,

	/**
	 * The phase was still running when its deadline passed.
	 */
	TIMED_OUT,

	/**
	 * The phase ended with an error.
	 */
	FAILED,

	/**
	 * The phase had nothing to do.
	 */
	SKIPPED;

	/**
	 * Return the value used in log lines and in the {@code outcome} metric tag, for
	 * example {@code timed_out}.
	 * @return the lower-case tag value
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
