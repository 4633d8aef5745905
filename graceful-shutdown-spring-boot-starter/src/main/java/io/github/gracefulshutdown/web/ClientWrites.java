package io.github.gracefulshutdown.web;

import java.time.Duration;

/**
 * Runs writes to clients during the shutdown on a thread of their own, waited for
 * {@link #WAIT} at most: a blocking write to a client that does not read waits until
 * Tomcat's send timeout (20 s), and no client may hold the shutdown that long.
 */
final class ClientWrites {

	/**
	 * How long the shutdown waits for the writes.
	 */
	static final Duration WAIT = Duration.ofSeconds(1);

	private ClientWrites() {
	}

	/**
	 * Run the writes and wait for them, {@link #WAIT} at most.
	 * @param name the name of the thread that runs them
	 * @param writes the writes
	 */
	static void run(String name, Runnable writes) {
		Thread thread = new Thread(writes, name);
		thread.setDaemon(true);
		thread.start();
		try {
			thread.join(WAIT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
