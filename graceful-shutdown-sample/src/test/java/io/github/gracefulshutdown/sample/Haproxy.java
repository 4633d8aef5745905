package io.github.gracefulshutdown.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * HAProxy as a child process in front of instances of the sample application, on loopback
 * ports, with a generated configuration: it health-checks
 * {@code /actuator/health/readiness} (a server's {@code fall} failed checks take it out,
 * two passed ones put it back; a check fails on a non-200 answer or after 2 s without
 * one) and never retries a failed request ({@code retries 0}, no redispatch), like
 * kube-proxy. Its statistics page tells which servers are up. Every wait is bounded.
 */
final class Haproxy implements AutoCloseable {

	/**
	 * The HAProxy binary: Debian's package {@code haproxy}, or the {@code haproxy.binary}
	 * system property.
	 */
	static final Path BINARY = Path.of(System.getProperty("haproxy.binary", "/usr/sbin/haproxy"));

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private final Process process;

	private final Path log;

	private final int frontendPort;

	private final int statsPort;

	private final HttpClient httpClient = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private Haproxy(Process process, Path log, int frontendPort, int statsPort) {
		this.process = process;
		this.log = log;
		this.frontendPort = frontendPort;
		this.statsPort = statsPort;
	}

	/**
	 * Return whether the HAProxy binary is installed.
	 * @return {@code true} if it can be run
	 */
	static boolean isInstalled() {
		return Files.isExecutable(BINARY);
	}

	/**
	 * Start HAProxy balancing over the given servers, named {@code s0}, {@code s1}, ...
	 * in their order.
	 * @param directory where to write the configuration and the output of HAProxy
	 * @param mode {@code tcp} (L4: a client connection stays with one server) or
	 * {@code http} (L7)
	 * @param checkInterval the interval of the readiness health checks
	 * @param servers the servers
	 * @return the started HAProxy
	 * @throws IOException if HAProxy cannot be started
	 */
	static Haproxy start(Path directory, String mode, Duration checkInterval, List<Server> servers) throws IOException {
		Files.createDirectories(directory);
		int frontendPort = freePort();
		int statsPort = freePort();
		StringBuilder serverLines = new StringBuilder();
		for (int i = 0; i < servers.size(); i++) {
			Server server = servers.get(i);
			serverLines.append("\tserver s%d 127.0.0.1:%d fall %d%n".formatted(i, server.port(), server.fall()));
		}
		String config = """
				global
				\tmaxconn 1024
				\tnbthread 1

				defaults
				\tmode %s
				\tretries 0
				\ttimeout connect 2s
				\ttimeout client 30s
				\ttimeout server 30s
				\ttimeout check 2s

				frontend fe
				\tbind 127.0.0.1:%d
				\tdefault_backend be

				backend be
				\tbalance roundrobin
				\toption httpchk GET /actuator/health/readiness
				\thttp-check expect status 200
				\tdefault-server check inter %dms rise 2
				%s
				listen stats
				\tmode http
				\tbind 127.0.0.1:%d
				\tstats enable
				\tstats uri /
				""".formatted(mode, frontendPort, checkInterval.toMillis(), serverLines, statsPort);
		Path configFile = directory.resolve("haproxy.cfg");
		Files.writeString(configFile, config);
		Path log = directory.resolve("haproxy.log");
		Process process = new ProcessBuilder(BINARY.toString(), "-f", configFile.toString(), "-db")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return new Haproxy(process, log, frontendPort, statsPort);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Return the URI of the given path through HAProxy.
	 * @param pathAndQuery the path and query, for example {@code /work?ms=5}
	 * @return the URI
	 */
	URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.frontendPort + pathAndQuery);
	}

	/**
	 * Return the state of every server as HAProxy's statistics page reports it, for
	 * example {@code UP}, {@code DOWN} or {@code UP 1/2}.
	 * @return the state by server name
	 */
	Map<String, String> serverStates() {
		return serverStatistic(17);
	}

	/**
	 * Return the number of open connections (sessions) of every server.
	 * @return the number of connections by server name
	 */
	Map<String, Integer> serverConnections() {
		Map<String, Integer> connections = new LinkedHashMap<>();
		serverStatistic(4).forEach((server, value) -> connections.put(server, Integer.valueOf(value)));
		return connections;
	}

	/**
	 * Return one column of the statistics of every server.
	 * @param column the column: 4 is {@code scur} (current sessions), 17 {@code status}
	 * @return the value by server name
	 */
	private Map<String, String> serverStatistic(int column) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.statsPort + "/;csv"))
			.timeout(Duration.ofSeconds(5))
			.build();
		String csv;
		try {
			csv = this.httpClient.send(request, BodyHandlers.ofString()).body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : csv.split("\n")) {
			// pxname,svname,qcur,qmax,scur,smax,slim,stot,...,status (18th),...
			String[] fields = line.split(",", -1);
			if (fields.length > column && fields[0].equals("be") && fields[1].matches("s\\d+")) {
				values.put(fields[1], fields[column]);
			}
		}
		return values;
	}

	/**
	 * Wait until HAProxy reports the given server in the given state.
	 * @param atMost how long to wait at most
	 * @param server the server name, for example {@code s0}
	 * @param state the state, {@code UP} or {@code DOWN}
	 */
	void awaitServerState(Duration atMost, String server, String state) {
		await("HAProxy reports server " + server + " " + state + " (log " + this.log + ")").atMost(atMost)
			.pollInterval(POLL_INTERVAL)
			.failFast("HAProxy exited", () -> !this.process.isAlive())
			// Until HAProxy listens
			.ignoreExceptionsInstanceOf(UncheckedIOException.class)
			.until(() -> state.equals(serverStates().get(server)));
	}

	/**
	 * Return the output of HAProxy so far.
	 * @return the log
	 */
	String log() {
		try {
			return new String(Files.readAllBytes(this.log), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Stop HAProxy.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A server behind HAProxy.
	 *
	 * @param port its loopback port
	 * @param fall how many failed health checks in a row take it out
	 */
	record Server(int port, int fall) {

	}

}
