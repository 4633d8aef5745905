package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus Pushgateway (Debian package {@code prometheus-pushgateway}, which
 * {@code .ci/run} installs) running as a child process on a free loopback port.
 */
final class Pushgateway implements AutoCloseable {

	private static final Path BINARY = Path.of("/usr/bin/prometheus-pushgateway");

	private final Process process;

	private final int port;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Pushgateway(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Start a Pushgateway and wait until it is ready.
	 * @param log the file to write its output to
	 * @return the running Pushgateway
	 * @throws IOException if it cannot be started
	 */
	static Pushgateway start(Path log) throws IOException {
		assertThat(BINARY).as("the Prometheus Pushgateway (apt-get install prometheus-pushgateway)").isExecutable();
		int port = freePort();
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(List.of(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		Pushgateway pushgateway = new Pushgateway(process, port);
		try {
			await("Pushgateway ready on port " + port).atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.failFast("the Pushgateway exited", () -> !process.isAlive())
				.ignoreExceptions()
				.until(() -> pushgateway.get("/-/ready").contains("OK"));
		}
		catch (RuntimeException | Error ex) {
			pushgateway.close();
			throw ex;
		}
		return pushgateway;
	}

	/**
	 * Return the address to push to, {@code host:port}.
	 * @return the address
	 */
	String address() {
		return "127.0.0.1:" + this.port;
	}

	/**
	 * Return what the Pushgateway exposes to Prometheus.
	 * @return the metrics in text format
	 * @throws IOException if the request fails
	 * @throws InterruptedException if interrupted
	 */
	String metrics() throws IOException, InterruptedException {
		return get("/metrics");
	}

	private String get(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address() + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return this.client.send(request, BodyHandlers.ofString()).body();
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
