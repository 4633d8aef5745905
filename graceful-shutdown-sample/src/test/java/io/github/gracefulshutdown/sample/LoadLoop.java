package io.github.gracefulshutdown.sample;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded HTTP load: a fixed number of users, each with its own HTTP/1.1 keep-alive
 * connection, sending one GET after the other until stopped or until its time is up. A
 * user opens a new connection when the server answers {@code Connection: close} or the
 * connection fails. Counts 2xx responses, other responses and I/O errors (refused or
 * reset connections, connections closed without a response, timeouts).
 * <p>
 * Like wrk, and unlike the JDK's {@code HttpClient}, it never sends a request twice: the
 * JDK client silently resends a GET once when a pooled connection turns out to be closed,
 * which hides from the count exactly the requests that a server closing its keep-alive
 * connections makes fail (clients that send a POST, or do not retry, see them).
 */
final class LoadLoop implements AutoCloseable {

	private static final int TIMEOUT_MILLIS = 5000;

	private static final int MAX_LINE = 8192;

	private final InetSocketAddress address;

	private final byte[] request;

	private final long deadline;

	private final ExecutorService users;

	private final LongAdder ok = new LongAdder();

	private final LongAdder non2xx = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final LongAdder connections = new LongAdder();

	private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	private volatile boolean stopped;

	private LoadLoop(URI uri, int users, Duration maxDuration) {
		this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
		this.request = ("GET " + uri.getRawPath() + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "")
				+ " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		this.deadline = System.nanoTime() + maxDuration.toNanos();
		this.users = Executors.newFixedThreadPool(users);
	}

	/**
	 * Start the load.
	 * @param uri the URI to get
	 * @param users the number of concurrent users, each with its own connection
	 * @param maxDuration when to stop at the latest
	 * @return the running load
	 */
	static LoadLoop start(URI uri, int users, Duration maxDuration) {
		LoadLoop load = new LoadLoop(uri, users, maxDuration);
		for (int i = 0; i < users; i++) {
			load.users.execute(load::user);
		}
		load.users.shutdown();
		return load;
	}

	private void user() {
		Socket socket = null;
		try {
			while (!this.stopped && System.nanoTime() < this.deadline) {
				try {
					if (socket == null) {
						socket = connect();
					}
					if (exchange(socket)) {
						continue;
					}
				}
				catch (IOException ex) {
					this.errors.increment();
					failed(ex.getClass().getSimpleName() + ": " + ex.getMessage());
				}
				close(socket);
				socket = null;
			}
		}
		finally {
			close(socket);
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			socket.connect(this.address, TIMEOUT_MILLIS);
		}
		catch (IOException ex) {
			close(socket);
			throw ex;
		}
		this.connections.increment();
		return socket;
	}

	/**
	 * Send the request and read the response.
	 * @return whether the connection can be used again
	 */
	private boolean exchange(Socket socket) throws IOException {
		OutputStream output = socket.getOutputStream();
		output.write(this.request);
		output.flush();
		InputStream input = new BufferedInputStream(socket.getInputStream());
		String statusLine = readLine(input, true);
		String[] status = statusLine.split(" ", 3);
		if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
			throw new IOException("not an HTTP response: " + statusLine);
		}
		int statusCode = Integer.parseInt(status[1]);
		boolean keepAlive = status[0].equals("HTTP/1.1");
		long contentLength = -1;
		boolean chunked = false;
		for (String header = readLine(input, false); !header.isEmpty(); header = readLine(input, false)) {
			int colon = header.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
			if (name.equals("content-length")) {
				contentLength = Long.parseLong(value);
			}
			else if (name.equals("transfer-encoding")) {
				chunked = value.contains("chunked");
			}
			else if (name.equals("connection")) {
				keepAlive = keepAlive && !value.contains("close");
			}
		}
		if (chunked) {
			for (long size = chunkSize(input); size > 0; size = chunkSize(input)) {
				skip(input, size);
				readLine(input, false);
			}
			// Trailers end with an empty line
			String trailer = readLine(input, false);
			while (!trailer.isEmpty()) {
				trailer = readLine(input, false);
			}
		}
		else if (contentLength >= 0) {
			skip(input, contentLength);
		}
		else {
			// Delimited by the end of the connection
			input.transferTo(OutputStream.nullOutputStream());
			keepAlive = false;
		}
		if (statusCode / 100 == 2) {
			this.ok.increment();
		}
		else {
			this.non2xx.increment();
			failed("HTTP " + statusCode);
		}
		// Any bytes left over would belong to no request: the buffer is dropped with
		// the connection otherwise
		return keepAlive && input.available() == 0;
	}

	private static long chunkSize(InputStream input) throws IOException {
		String line = readLine(input, false);
		int extension = line.indexOf(';');
		return Long.parseLong(((extension >= 0) ? line.substring(0, extension) : line).trim(), 16);
	}

	private static void skip(InputStream input, long count) throws IOException {
		for (long left = count; left > 0; left--) {
			if (input.read() == -1) {
				throw new EOFException("connection closed in the middle of a response body");
			}
		}
	}

	private static String readLine(InputStream input, boolean first) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = input.read(); b != '\n'; b = input.read()) {
			if (b == -1) {
				throw new EOFException((first && line.size() == 0) ? "connection closed without a response"
						: "connection closed in the middle of a response");
			}
			if (b != '\r') {
				line.write(b);
			}
			if (line.size() > MAX_LINE) {
				throw new IOException("response line too long");
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	private static void close(Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Nothing left to do with it
			}
		}
	}

	private void failed(String description) {
		this.failures.computeIfAbsent(description, (key) -> new LongAdder()).increment();
	}

	/**
	 * Return the number of 2xx responses so far.
	 * @return the number of successful requests
	 */
	long ok() {
		return this.ok.sum();
	}

	/**
	 * Stop the users and wait for their last requests.
	 * @return the counts
	 * @throws InterruptedException if interrupted while waiting
	 */
	Result stop() throws InterruptedException {
		this.stopped = true;
		if (!this.users.awaitTermination(2L * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
			this.users.shutdownNow();
		}
		List<String> descriptions = new ArrayList<>();
		this.failures.forEach((description, count) -> descriptions.add(count.sum() + " x " + description));
		return new Result(this.ok.sum(), this.non2xx.sum(), this.errors.sum(), this.connections.sum(), descriptions);
	}

	@Override
	public void close() {
		try {
			stop();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * What the load saw.
	 *
	 * @param ok the number of 2xx responses
	 * @param non2xx the number of other responses
	 * @param errors the number of requests that got no response
	 * @param connections the number of connections opened
	 * @param failures how many times each kind of failure happened
	 */
	record Result(long ok, long non2xx, long errors, long connections, List<String> failures) {

		long failed() {
			return this.non2xx + this.errors;
		}

		long requests() {
			return this.ok + failed();
		}

		@Override
		public String toString() {
			return "%d requests on %d connections, %d failed (%d non-2xx, %d I/O errors) %s".formatted(requests(),
					this.connections, failed(), this.non2xx, this.errors, this.failures);
		}

	}

}
