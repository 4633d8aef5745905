package io.github.gracefulshutdown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link SignalForceExit} in a real child JVM that receives real signals.
 */
class SignalForceExitProcessTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	// A file, not a pipe: Process.destroy() closes the pipes
	@TempDir
	private Path directory;

	private Path output;

	private Process process;

	@AfterEach
	void endProcess() {
		if (this.process != null) {
			this.process.destroyForcibly();
		}
	}

	@Test
	void secondSigtermHaltsWhileABeanHangsInItsDestroyMethod() throws Exception {
		start("--graceful-shutdown.timeout=60s", "--graceful-shutdown.propagation-delay=0s");
		awaitOutput("Started HangingDestroyApplication");
		// Process.destroy() sends SIGTERM
		this.process.destroy();
		awaitOutput(HangingDestroyApplication.HANGING);
		this.process.destroy();
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as(this::output).isTrue();
		assertThat(this.process.exitValue()).isEqualTo(GracefulShutdownExitCodes.SECOND_SIGNAL);
		assertThat(output()).contains("Received SIGTERM again while shutting down");
	}

	private void awaitOutput(String text) {
		try {
			await().atMost(WAIT).until(() -> output().contains(text));
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No '" + text + "' in the output of the child JVM:\n" + output(), ex);
		}
	}

	private String output() {
		try {
			return Files.readString(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void start(String... args) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				HangingDestroyApplication.class.getName(), "--spring.main.banner-mode=off",
				"--spring.main.keep-alive=true")
			.redirectErrorStream(true);
		builder.command().addAll(List.of(args));
		this.output = this.directory.resolve("output.log");
		this.process = builder.redirectOutput(this.output.toFile()).start();
	}

}
