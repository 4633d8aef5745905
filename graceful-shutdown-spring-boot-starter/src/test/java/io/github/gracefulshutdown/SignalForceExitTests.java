package io.github.gracefulshutdown;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SignalForceExit}. The real signals are sent to a child JVM in the
 * sample's process tests.
 */
@ExtendWith(OutputCaptureExtension.class)
class SignalForceExitTests {

	private final AtomicInteger haltCode = new AtomicInteger(-1);

	private final ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofSeconds(25), true, List.of(),
			Clock.systemUTC());

	private final SignalForceExit forceExit = new SignalForceExit(this.coordinator, this.haltCode::set);

	@Test
	void firstSignalIsPassedOnAndNamed() {
		this.forceExit.handle("TERM", new Object());
		assertThat(this.haltCode.get()).isEqualTo(-1);
		assertThat(this.coordinator.getSignal()).isEqualTo("SIGTERM");
	}

	@Test
	void secondSignalHalts(CapturedOutput output) {
		this.forceExit.handle("TERM", new Object());
		this.forceExit.handle("INT", new Object());
		assertThat(this.haltCode.get()).isEqualTo(GracefulShutdownExitCodes.SECOND_SIGNAL);
		assertThat(this.coordinator.getSignal()).isEqualTo("SIGTERM");
		assertThat(output).contains("Received SIGINT again while shutting down, halting the JVM with exit code 125");
	}

	@Test
	void handlerUnderAnotherContextsKeepsPassingSignalsOnAfterItsContextCloses() throws Exception {
		List<String> received = new CopyOnWriteArrayList<>();
		Object recording = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { handlerClass() },
				(proxy, method, args) -> switch (method.getName()) {
					case "handle" -> received.add(signalClass().getMethod("getName").invoke(args[0]).toString());
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					default -> "recording handler";
				});
		Object originalTerm = handle("TERM", recording);
		Object originalInt = handle("INT", recording);
		handle("INT", originalInt);
		try {
			ShutdownCoordinator other = new ShutdownCoordinator(Duration.ofSeconds(25), true, List.of(),
					Clock.systemUTC());
			SignalForceExit otherForceExit = new SignalForceExit(other, this.haltCode::set);
			this.forceExit.install();
			otherForceExit.install();
			this.forceExit.uninstall();

			Object current = handle("TERM", recording);
			handle("TERM", current);
			handlerClass().getMethod("handle", signalClass()).invoke(current, signal("TERM"));
			assertThat(received).containsExactly("TERM");
			assertThat(other.getSignal()).isEqualTo("SIGTERM");
			assertThat(this.coordinator.getSignal()).isNull();
			assertThat(this.haltCode.get()).isEqualTo(-1);
			otherForceExit.uninstall();
		}
		finally {
			handle("TERM", originalTerm);
			handle("INT", originalInt);
		}
	}

	@Test
	void installAndUninstallLeaveTheJvmHandlersUsable() {
		assertThat(this.forceExit.isInstalled()).isFalse();
		this.forceExit.install();
		assertThat(this.forceExit.isInstalled()).isTrue();
		this.forceExit.uninstall();
		assertThat(this.forceExit.isInstalled()).isFalse();
		this.forceExit.uninstall();
		assertThat(this.haltCode.get()).isEqualTo(-1);
	}

	private static Object handle(String name, Object handler) throws ReflectiveOperationException {
		return signalClass().getMethod("handle", signalClass(), handlerClass()).invoke(null, signal(name), handler);
	}

	private static Object signal(String name) throws ReflectiveOperationException {
		return signalClass().getConstructor(String.class).newInstance(name);
	}

	// sun.misc is used through reflection, as SignalForceExit does
	private static Class<?> signalClass() throws ClassNotFoundException {
		return Class.forName("sun.misc.Signal");
	}

	private static Class<?> handlerClass() throws ClassNotFoundException {
		return Class.forName("sun.misc.SignalHandler");
	}

}
