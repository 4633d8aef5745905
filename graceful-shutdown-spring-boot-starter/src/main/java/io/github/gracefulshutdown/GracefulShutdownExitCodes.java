package io.github.gracefulshutdown;

/**
 * Exit codes of a JVM that the starter halts. A graceful exit after SIGTERM keeps the
 * JVM's own code, 143 (128 + 15), or 130 after SIGINT.
 *
 * @since 0.1.0
 */
public final class GracefulShutdownExitCodes {

	/**
	 * The shutdown exceeded {@code graceful-shutdown.timeout} and the watchdog halted the
	 * JVM (the code GNU {@code timeout} uses for the same situation).
	 */
	public static final int BUDGET_EXCEEDED = 124;

	/**
	 * A second SIGTERM or SIGINT arrived while the shutdown was running.
	 */
	public static final int SECOND_SIGNAL = 125;

	private GracefulShutdownExitCodes() {
	}

}
