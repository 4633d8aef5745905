package io.github.gracefulshutdown;

import java.util.function.Consumer;

import org.springframework.context.SmartLifecycle;

/**
 * {@link SmartLifecycle} that runs a short action when its phase is stopped, so that the
 * starter can observe the boundaries of phases owned by the framework (for example the
 * start and the end of Spring Boot's web server drain).
 *
 * @since 0.1.0
 */
public final class ShutdownMarkerLifecycle extends ShutdownPhaseLifecycle {

	private final Consumer<Runnable> action;

	/**
	 * Create a new marker.
	 * @param phase the phase in which the action runs
	 * @param coordinator the coordinator of the shutdown that the action is part of
	 * @param action the action, which must not block for long
	 */
	public ShutdownMarkerLifecycle(int phase, ShutdownCoordinator coordinator, Runnable action) {
		this(phase, coordinator, (callback) -> {
			action.run();
			callback.run();
		});
	}

	/**
	 * Create a new marker whose phase ends when the action calls back, without blocking
	 * the thread that stops the lifecycle beans.
	 * @param phase the phase in which the action runs
	 * @param coordinator the coordinator of the shutdown that the action is part of
	 * @param action the action, given the callback to run when it is done
	 */
	public ShutdownMarkerLifecycle(int phase, ShutdownCoordinator coordinator, Consumer<Runnable> action) {
		super(phase, coordinator);
		this.action = action;
	}

	@Override
	protected void stopPhase(Runnable callback) {
		this.action.accept(callback);
	}

}
