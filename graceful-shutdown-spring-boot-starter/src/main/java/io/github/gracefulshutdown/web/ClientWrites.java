package io.github.gracefulshutdown.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs writes to clients during the shutdown on threads of their own, waited for
 * {@link #WAIT} at most: a blocking write to a client that does not read waits until
 * Tomcat's send timeout (20 s), and no client may hold the shutdown that long. Several
 * threads share the clients, so that one client that does not read holds up only the
 * writes of its own thread.
 */
final class ClientWrites {

	/**
	 * How long the shutdown waits for the writes.
	 */
	static final Duration WAIT = Duration.ofSeconds(1);

	private static final int MAX_THREADS = 8;

	private ClientWrites() {
	}

	/**
	 * Write to each client and wait for the writes, {@link #WAIT} at most.
	 * @param <T> the type of the clients
	 * @param name the name of the threads that write
	 * @param clients the clients
	 * @param write the write to one client
	 */
	static <T> void run(String name, Collection<T> clients, Consumer<T> write) {
		Queue<T> pending = new ConcurrentLinkedQueue<>(clients);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < Math.min(clients.size(), MAX_THREADS); i++) {
			Thread thread = new Thread(() -> writeAll(pending, write), name);
			thread.setDaemon(true);
			thread.start();
			threads.add(thread);
		}
		long deadline = System.nanoTime() + WAIT.toNanos();
		try {
			for (Thread thread : threads) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0) {
					return;
				}
				thread.join(left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static <T> void writeAll(Queue<T> pending, Consumer<T> write) {
		for (T client = pending.poll(); client != null; client = pending.poll()) {
			write.accept(client);
		}
	}

}
