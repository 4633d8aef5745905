package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Tells application code that the shutdown has been requested, with its deadline: the
 * Java counterpart of a cancelled Go context. Inject it into a worker that loops (an
 * outbox poller, a consumer of a client library without a Spring container) and check it
 * on every iteration:
 *
 * <pre class="code">
 * while (!this.shutdownSignal.isShutdownRequested()) {
 *     Item item = this.queue.poll(Duration.ofSeconds(1));
 *     if (item != null) {
 *         process(item);
 *         markDone(item); // only after success
 *     }
 * }
 * </pre>
 *
 * By default it fires when the HTTP drain starts, right after the propagation delay, so
 * that workers keep working while traffic still arrives; with
 * {@code graceful-shutdown.shutdown-signal.fires=at-shutdown-start} it fires as soon as
 * the shutdown begins.
 *
 * @since 0.1.0
 */
public final class ShutdownSignal {

	private static final Log logger = LogFactory.getLog(ShutdownSignal.class);

	private final Moment moment;

	private final Duration closeReserve;

	private final Clock clock;

	private final CountDownLatch requested = new CountDownLatch(1);

	private final Set<Callback> callbacks = new LinkedHashSet<>();

	private volatile @Nullable Instant deadline;

	/**
	 * Create a new signal.
	 * @param moment when the signal fires
	 * @param closeReserve the part of the shutdown budget kept back for closing the
	 * application, which the {@link #getDeadline() deadline} leaves out
	 * @param clock the clock to tell the remaining time with
	 */
	public ShutdownSignal(Moment moment, Duration closeReserve, Clock clock) {
		this.moment = moment;
		this.closeReserve = closeReserve;
		this.clock = clock;
	}

	/**
	 * Return whether the shutdown has been requested.
	 * @return {@code true} once the signal has fired
	 */
	public boolean isShutdownRequested() {
		return this.requested.getCount() == 0;
	}

	/**
	 * Wait until the shutdown is requested, at most for the given time. Use it instead of
	 * a sleep between iterations so that a waiting worker wakes up at once.
	 * @param timeout how long to wait at most
	 * @return {@code true} if the shutdown has been requested
	 * @throws InterruptedException if the calling thread is interrupted
	 */
	public boolean await(Duration timeout) throws InterruptedException {
		return this.requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Register a callback to run when the shutdown is requested; it runs at once, on the
	 * calling thread, if the shutdown has already been requested. Callbacks must return
	 * quickly; what they throw is logged. A callback tied to a unit of work that may end
	 * before the shutdown (a call to cancel, a connection to close) is removed by closing
	 * its registration, so that callbacks do not pile up while the application runs:
	 *
	 * <pre class="code">
	 * try (ShutdownSignal.Registration registration = this.shutdownSignal.onShutdown(call::cancel)) {
	 *     call.execute();
	 * }
	 * </pre>
	 * @param callback the callback
	 * @return the registration, which removes the callback when closed (closing it after
	 * the callback has run does nothing)
	 */
	public Registration onShutdown(Runnable callback) {
		Callback registered = new Callback(callback);
		synchronized (this.callbacks) {
			if (!isShutdownRequested()) {
				this.callbacks.add(registered);
				return registered;
			}
		}
		registered.run();
		return registered;
	}

	/**
	 * Return when the work started on the signal must be done: the end of the shutdown
	 * budget less the part kept back for closing the application, or {@code null} before
	 * the shutdown has been requested. An instant of the shutdown's
	 * {@link MonotonicClock}, which differs from the wall clock by any step that clock
	 * has taken since startup: to tell the time left, use {@link #remaining()}.
	 * @return the deadline or {@code null}
	 */
	public @Nullable Instant getDeadline() {
		return this.deadline;
	}

	/**
	 * Return the time left until the {@link #getDeadline() deadline}: zero once it has
	 * passed, {@code null} before the shutdown has been requested.
	 * @return the remaining time or {@code null}
	 */
	public @Nullable Duration remaining() {
		Instant deadline = this.deadline;
		if (deadline == null) {
			return null;
		}
		Duration remaining = Duration.between(this.clock.instant(), deadline);
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}

	/**
	 * Called when the shutdown starts, before the propagation delay.
	 * @param shutdownDeadline when the shutdown budget runs out
	 */
	public void shutdownStarted(Instant shutdownDeadline) {
		if (this.moment == Moment.AT_SHUTDOWN_START) {
			fire(shutdownDeadline.minus(this.closeReserve));
		}
	}

	/**
	 * Called when the HTTP drain starts, after the propagation delay.
	 * @param shutdownDeadline when the shutdown budget runs out
	 */
	void drainStarted(Instant shutdownDeadline) {
		fire(shutdownDeadline.minus(this.closeReserve));
	}

	private void fire(Instant deadline) {
		List<Callback> callbacks;
		synchronized (this.callbacks) {
			if (isShutdownRequested()) {
				return;
			}
			this.deadline = deadline;
			this.requested.countDown();
			callbacks = List.copyOf(this.callbacks);
			this.callbacks.clear();
		}
		callbacks.forEach(Callback::run);
	}

	/**
	 * The registration of a {@link #onShutdown(Runnable) callback}.
	 */
	@FunctionalInterface
	public interface Registration extends AutoCloseable {

		/**
		 * Remove the callback, unless it has already run.
		 */
		@Override
		void close();

	}

	/**
	 * A registered callback. What it throws, an {@link Error} included, is logged rather
	 * than passed on to the phase of the shutdown that fired the signal, and the other
	 * callbacks still run.
	 */
	private final class Callback implements Registration {

		private final Runnable callback;

		// Set by whichever comes first, the run or the close: a callback closed while
		// the signal fires, before its turn, does not run
		private final AtomicBoolean settled = new AtomicBoolean();

		Callback(Runnable callback) {
			this.callback = callback;
		}

		void run() {
			if (!this.settled.compareAndSet(false, true)) {
				return;
			}
			try {
				this.callback.run();
			}
			catch (Throwable ex) {
				logger.warn("Shutdown signal callback failed", ex);
			}
		}

		@Override
		public void close() {
			this.settled.set(true);
			synchronized (ShutdownSignal.this.callbacks) {
				ShutdownSignal.this.callbacks.remove(this);
			}
		}

	}

	/**
	 * When the signal fires.
	 */
	public enum Moment {

		/**
		 * When the HTTP drain starts, right after the propagation delay: workers keep
		 * working while load balancers still send traffic.
		 */
		AFTER_PROPAGATION_DELAY,

		/**
		 * As soon as the shutdown begins, before the propagation delay.
		 */
		AT_SHUTDOWN_START

	}

}
