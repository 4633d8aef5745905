package io.github.gracefulshutdown;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Base class of the starter's {@link SmartLifecycle} beans: each acts once, when its
 * lifecycle phase is stopped during the shutdown, and has nothing to start. A stop that
 * is not part of a shutdown (the {@link ShutdownCoordinator} has not begun one, as when
 * the context is stopped to be started again, or for a CRaC checkpoint) does nothing, so
 * the application works as before once it restarts. Subclasses implement
 * {@link #stopPhase()} for a short synchronous step or {@link #stopPhase(Runnable)} for
 * one that ends later; what either throws, an {@link Error} included, is logged and ends
 * the phase, so that a failing step does not hold the shutdown until the phase timeout.
 *
 * @since 0.1.0
 * @see GracefulShutdownPhases
 */
public abstract class ShutdownPhaseLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ShutdownPhaseLifecycle.class);

	private final int phase;

	private final ShutdownCoordinator coordinator;

	private volatile boolean running;

	/**
	 * Create a new instance.
	 * @param phase the lifecycle phase in which {@link #stopPhase(Runnable)} runs
	 * @param coordinator the coordinator of the shutdown that this is part of
	 */
	protected ShutdownPhaseLifecycle(int phase, ShutdownCoordinator coordinator) {
		this.phase = phase;
		this.coordinator = coordinator;
	}

	/**
	 * Act in this lifecycle phase, without blocking the thread that stops the lifecycle
	 * beans for long. By default, runs {@link #stopPhase()}, then the callback.
	 * @param callback to run once the action is done (further calls are ignored)
	 */
	protected void stopPhase(Runnable callback) {
		try {
			stopPhase();
		}
		finally {
			callback.run();
		}
	}

	/**
	 * Act in this lifecycle phase, briefly, on the thread that stops the lifecycle beans.
	 * Does nothing unless overridden.
	 */
	protected void stopPhase() {
	}

	@Override
	public final void start() {
		this.running = true;
	}

	@Override
	public final void stop() {
		throw new UnsupportedOperationException("Stop must not be invoked directly");
	}

	@Override
	public final void stop(Runnable callback) {
		this.running = false;
		if (!this.coordinator.isShuttingDown()) {
			callback.run();
			return;
		}
		AtomicBoolean called = new AtomicBoolean();
		Runnable once = () -> {
			if (called.compareAndSet(false, true)) {
				callback.run();
			}
		};
		try {
			stopPhase(once);
		}
		catch (Throwable ex) {
			logger.warn("Graceful shutdown step in lifecycle phase " + this.phase + " failed", ex);
			once.run();
		}
	}

	@Override
	public final boolean isRunning() {
		return this.running;
	}

	@Override
	public final int getPhase() {
		return this.phase;
	}

	@Override
	public final boolean isPauseable() {
		return false;
	}

}
