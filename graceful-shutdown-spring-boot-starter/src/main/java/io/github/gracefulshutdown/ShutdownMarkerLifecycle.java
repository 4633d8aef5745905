package io.github.gracefulshutdown;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * {@link SmartLifecycle} that runs a short action when its phase is stopped, so that the
 * starter can observe the boundaries of phases owned by the framework (for example the
 * start and the end of Spring Boot's web server drain).
 *
 * @since 0.1.0
 */
public final class ShutdownMarkerLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ShutdownMarkerLifecycle.class);

	private final int phase;

	private final Consumer<Runnable> action;

	private volatile boolean running;

	/**
	 * Create a new marker.
	 * @param phase the phase in which the action runs
	 * @param action the action, which must not block for long
	 */
	public ShutdownMarkerLifecycle(int phase, Runnable action) {
		this(phase, (callback) -> {
			try {
				action.run();
			}
			finally {
				callback.run();
			}
		});
	}

	/**
	 * Create a new marker whose phase ends when the action calls back, without blocking
	 * the thread that stops the lifecycle beans.
	 * @param phase the phase in which the action runs
	 * @param action the action, given the callback to run when it is done
	 */
	public ShutdownMarkerLifecycle(int phase, Consumer<Runnable> action) {
		this.phase = phase;
		this.action = action;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		throw new UnsupportedOperationException("Stop must not be invoked directly");
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		AtomicBoolean called = new AtomicBoolean();
		Runnable once = () -> {
			if (called.compareAndSet(false, true)) {
				callback.run();
			}
		};
		try {
			this.action.accept(once);
		}
		catch (RuntimeException ex) {
			logger.warn("Graceful shutdown marker in phase " + this.phase + " failed", ex);
			once.run();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

}
