package io.github.gracefulshutdown;

/**
 * Where an application is in its shutdown, as {@link ShutdownCoordinator#getState()}
 * tells it.
 *
 * @since 0.1.0
 */
public enum ShutdownState {

	/**
	 * The shutdown has not begun: the application serves normally.
	 */
	RUNNING,

	/**
	 * The shutdown has begun and the propagation delay has not ended: readiness is down
	 * but the application still serves, so that load balancers stop routing to it.
	 */
	PROPAGATING,

	/**
	 * The propagation delay has ended (or was skipped): in-flight work drains and the
	 * application closes.
	 */
	DRAINING,

	/**
	 * Every phase of the shutdown has ended (or the budget was exceeded); only bean
	 * destruction and the JVM exit are left.
	 */
	STOPPED

}
