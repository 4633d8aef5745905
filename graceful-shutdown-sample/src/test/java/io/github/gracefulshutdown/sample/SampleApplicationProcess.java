package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application running as a child JVM from its repackaged jar, with its
 * standard output and error redirected to a log file. Every wait is bounded.
 */
final class SampleApplicationProcess implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private final Process process;

	private final Path log;

	private int port;

	private SampleApplicationProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Start the sample application on a random port and wait until it has started.
	 * @param log the file to write the output of the application to
	 * @param args the application arguments, in addition to {@code --server.port=0}
	 * @return the started application
	 * @throws IOException if the process cannot be started
	 */
	static SampleApplicationProcess start(Path log, String... args) throws IOException {
		return start(log, List.of(), List.of(), args);
	}

	/**
	 * Start the sample application on a random port and wait until it has started.
	 * @param log the file to write the output of the application to
	 * @param launcher a command that runs the java command given as its arguments, or an
	 * empty list to run java directly
	 * @param jvmArgs additional JVM options
	 * @param args the application arguments, in addition to {@code --server.port=0}
	 * @return the started application
	 * @throws IOException if the process cannot be started
	 */
	static SampleApplicationProcess start(Path log, List<String> launcher, List<String> jvmArgs, String... args)
			throws IOException {
		Path jar = Path.of(System.getProperty("sample.jar", "target/graceful-shutdown-sample.jar")).toAbsolutePath();
		assertThat(jar).as("the repackaged sample jar (run the tests with 'mvn verify')").isRegularFile();
		Files.createDirectories(log.getParent());
		List<String> command = new ArrayList<>(launcher);
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// C1 only: a quicker startup on a busy machine, no effect on the shutdown
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-Xmx256m");
		command.addAll(jvmArgs);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=0");
		// Logs 'GET "/work?ms=..."' when a request reaches the dispatcher, so that the
		// tests know it is in flight
		command.add("--logging.level.org.springframework.web.servlet.DispatcherServlet=debug");
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(log.getParent().toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		SampleApplicationProcess application = new SampleApplicationProcess(process, log);
		try {
			application.awaitStarted();
		}
		catch (RuntimeException | Error ex) {
			application.close();
			throw ex;
		}
		return application;
	}

	private void awaitStarted() {
		awaitLog(STARTUP_TIMEOUT, "Started SampleApplication");
		Matcher matcher = PORT.matcher(log());
		assertThat(matcher.find()).as("log line 'Tomcat started on port' in %s", this.log).isTrue();
		this.port = Integer.parseInt(matcher.group(1));
	}

	/**
	 * Return the URI of the given path on the application, through the loopback
	 * interface.
	 * @param pathAndQuery the path and query, for example {@code /work?ms=10}
	 * @return the URI
	 */
	URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

	/**
	 * Return the output of the application so far.
	 * @return the log
	 */
	String log() {
		try {
			// Not Files.readString: the last character may be half written
			return new String(Files.readAllBytes(this.log), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Wait until the log contains the given text. Fails early if the application exits
	 * without logging it.
	 * @param atMost how long to wait at most
	 * @param text the text to wait for
	 */
	void awaitLog(Duration atMost, String text) {
		await("log line '" + text + "' in " + this.log).atMost(atMost)
			.pollInterval(POLL_INTERVAL)
			.failFast("the application exited without logging '" + text + "'",
					() -> !this.process.isAlive() && !log().contains(text))
			.until(() -> log().contains(text));
	}

	/**
	 * Return whether the application is still running.
	 * @return {@code true} if the process has not exited
	 */
	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Send SIGTERM to the application ({@link Process#destroy()} does so on Linux, again
	 * on every call while the process runs).
	 */
	void sigterm() {
		this.process.destroy();
	}

	/**
	 * Wait for the application to exit.
	 * @param atMost how long to wait at most
	 * @return the exit code
	 * @throws InterruptedException if interrupted while waiting
	 */
	int awaitExit(Duration atMost) throws InterruptedException {
		boolean exited = this.process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(exited).as("the application exited within %s; log %s", atMost, this.log).isTrue();
		return this.process.exitValue();
	}

	/**
	 * Kill the application if it still runs.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
