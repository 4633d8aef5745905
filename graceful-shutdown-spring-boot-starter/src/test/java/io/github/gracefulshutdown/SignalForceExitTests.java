package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
	void installAndUninstallLeaveTheJvmHandlersUsable() {
		this.forceExit.install();
		this.forceExit.uninstall();
		this.forceExit.uninstall();
		assertThat(this.haltCode.get()).isEqualTo(-1);
	}

}
