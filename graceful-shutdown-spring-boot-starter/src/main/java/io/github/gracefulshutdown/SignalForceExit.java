package io.github.gracefulshutdown;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Second-signal force exit, as in Go services: the first SIGTERM or SIGINT starts the
 * graceful shutdown through the JVM's own handler, a second one halts the JVM at once
 * with {@link GracefulShutdownExitCodes#SECOND_SIGNAL}. It also tells the
 * {@link ShutdownCoordinator} which signal started the shutdown.
 * <p>
 * Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}) through reflection. The
 * handler is not installed when the JVM runs with {@code -Xrs}, when the signal is
 * ignored (for example SIGINT for a background job) or when no Java handler is in place
 * to chain to; the graceful shutdown then works as usual, without the force exit.
 *
 * @since 0.1.0
 */
public final class SignalForceExit {

	private static final Log logger = LogFactory.getLog(SignalForceExit.class);

	private static final List<String> SIGNALS = List.of("TERM", "INT");

	private final ShutdownCoordinator coordinator;

	private final IntConsumer halt;

	private final AtomicBoolean signalled = new AtomicBoolean();

	private final Map<String, Object> previousHandlers = new LinkedHashMap<>();

	private @Nullable Object handler;

	private volatile boolean uninstalled;

	/**
	 * Create a new instance.
	 * @param coordinator the coordinator to tell which signal started the shutdown
	 */
	public SignalForceExit(ShutdownCoordinator coordinator) {
		this(coordinator, Runtime.getRuntime()::halt);
	}

	SignalForceExit(ShutdownCoordinator coordinator, IntConsumer halt) {
		this.coordinator = coordinator;
		this.halt = halt;
	}

	/**
	 * Install the handler for SIGTERM and SIGINT, where possible.
	 */
	public synchronized void install() {
		try {
			Signals signals = new Signals();
			Object handler = signals.handler(this::handle);
			for (String name : SIGNALS) {
				install(signals, name, handler);
			}
			this.handler = handler;
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			logger.debug("Second-signal force exit is not available on this JVM", ex);
		}
	}

	private void install(Signals signals, String name, Object handler) throws ReflectiveOperationException {
		Object previous;
		try {
			previous = signals.handle(name, handler);
		}
		catch (IllegalArgumentException ex) {
			logger.debug("Second-signal force exit not installed for SIG" + name + ": " + ex.getMessage());
			return;
		}
		if (signals.isNative(previous)) {
			signals.handle(name, previous);
			logger.debug("Second-signal force exit not installed for SIG" + name
					+ ": the signal is ignored or has no Java handler to chain to");
			return;
		}
		this.previousHandlers.put(name, previous);
	}

	/**
	 * Restore the handlers that were in place before {@link #install()}. Where a handler
	 * installed since (by another application context in the same JVM) chains to this
	 * one, that handler stays, and this one only passes the signal on from then on.
	 * <p>
	 * While the JVM shuts down, the handlers stay: the context is closing in a shutdown
	 * hook and beans destroyed after this one may still hang, so a second signal must
	 * still halt. The JVM's own handler would call {@code System.exit}, which waits for
	 * the shutdown hooks, that is for ever.
	 */
	public synchronized void uninstall() {
		if (this.handler == null) {
			return;
		}
		if (isJvmShuttingDown()) {
			logger.debug("Second-signal force exit stays in place for the rest of the JVM's shutdown");
			return;
		}
		Set<String> stillChained = new HashSet<>();
		try {
			Signals signals = new Signals();
			for (Map.Entry<String, Object> entry : this.previousHandlers.entrySet()) {
				Object current = signals.handle(entry.getKey(), entry.getValue());
				if (current != this.handler) {
					// Someone installed a handler after us (another application context)
					// and chains to ours: keep theirs, and keep passing the signal on
					signals.handle(entry.getKey(), current);
					stillChained.add(entry.getKey());
				}
			}
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			logger.debug("Could not restore signal handlers", ex);
		}
		this.uninstalled = true;
		this.previousHandlers.keySet().retainAll(stillChained);
		this.handler = null;
	}

	// The JVM refuses new shutdown hooks once its shutdown has begun
	private static boolean isJvmShuttingDown() {
		Thread probe = new Thread(() -> {
		});
		try {
			Runtime.getRuntime().addShutdownHook(probe);
			Runtime.getRuntime().removeShutdownHook(probe);
			return false;
		}
		catch (IllegalStateException ex) {
			return true;
		}
	}

	/**
	 * Return whether the handler is in place for at least one signal: not when the JVM
	 * runs with {@code -Xrs}, when the signals are ignored or have no Java handler, and
	 * not after {@link #uninstall()}.
	 * @return whether a second signal during the shutdown halts the JVM
	 */
	public synchronized boolean isInstalled() {
		return this.handler != null && !this.previousHandlers.isEmpty();
	}

	void handle(String name, Object signal) {
		if (this.uninstalled) {
			passOn(name, signal);
			return;
		}
		if (this.signalled.getAndSet(true)) {
			logger.warn("Received SIG" + name + " again while shutting down, halting the JVM with exit code "
					+ GracefulShutdownExitCodes.SECOND_SIGNAL);
			this.halt.accept(GracefulShutdownExitCodes.SECOND_SIGNAL);
			return;
		}
		this.coordinator.signalReceived("SIG" + name);
		passOn(name, signal);
	}

	private void passOn(String name, Object signal) {
		Object previous;
		synchronized (this) {
			previous = this.previousHandlers.get(name);
		}
		if (previous != null) {
			try {
				new Signals().chain(previous, signal);
			}
			catch (ReflectiveOperationException | LinkageError ex) {
				logger.warn("Could not pass SIG" + name + " on to the JVM, exiting", ex);
				System.exit(128 + ("TERM".equals(name) ? 15 : 2));
			}
		}
	}

	/**
	 * Reflective access to {@code sun.misc.Signal}, which avoids compiler warnings about
	 * internal proprietary API.
	 */
	private static final class Signals {

		private final Class<?> signalClass = Class.forName("sun.misc.Signal");

		private final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");

		private final Object defaultHandler = this.handlerClass.getField("SIG_DFL").get(null);

		private final Object ignoreHandler = this.handlerClass.getField("SIG_IGN").get(null);

		Signals() throws ReflectiveOperationException {
		}

		Object handler(SignalCallback callback) {
			InvocationHandler invocationHandler = (proxy, method, args) -> switch (method.getName()) {
				case "handle" -> {
					callback.handle(signalName(args[0]), args[0]);
					yield null;
				}
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "graceful-shutdown second-signal handler";
			};
			return Proxy.newProxyInstance(SignalForceExit.class.getClassLoader(), new Class<?>[] { this.handlerClass },
					invocationHandler);
		}

		Object handle(String name, Object handler) throws ReflectiveOperationException {
			Object signal = this.signalClass.getConstructor(String.class).newInstance(name);
			Method handle = this.signalClass.getMethod("handle", this.signalClass, this.handlerClass);
			return invoke(handle, null, signal, handler);
		}

		boolean isNative(Object handler) {
			return handler == this.defaultHandler || handler == this.ignoreHandler;
		}

		void chain(Object handler, Object signal) throws ReflectiveOperationException {
			invoke(this.handlerClass.getMethod("handle", this.signalClass), handler, signal);
		}

		private String signalName(Object signal) throws ReflectiveOperationException {
			return (String) this.signalClass.getMethod("getName").invoke(signal);
		}

		private static Object invoke(Method method, @Nullable Object target, Object... args)
				throws ReflectiveOperationException {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				if (ex.getCause() instanceof RuntimeException runtimeException) {
					throw runtimeException;
				}
				throw ex;
			}
		}

	}

	@FunctionalInterface
	private interface SignalCallback {

		void handle(String name, Object signal) throws Exception;

	}

}
