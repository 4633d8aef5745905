package io.github.gracefulshutdown.web;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application on real Tomcat whose {@code GET /slow?ms=N} takes N milliseconds, and
 * a client for it: the in-flight requests of the integration tests that drain.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@RestController
public class SlowWebApplication {

	@GetMapping("/slow")
	String slow(@RequestParam long ms) throws InterruptedException {
		Thread.sleep(ms);
		return "slept " + ms;
	}

	/**
	 * Start the application on a free port.
	 * @param args further arguments
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(String... args) {
		return run(new Class<?>[0], args);
	}

	/**
	 * Start the application, with further configuration, on a free port.
	 * @param sources further configuration classes
	 * @param args further arguments
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(Class<?>[] sources, String... args) {
		String[] all = new String[args.length + 2];
		System.arraycopy(args, 0, all, 0, args.length);
		all[args.length] = "--server.port=0";
		all[args.length + 1] = "--spring.main.banner-mode=off";
		return new SpringApplicationBuilder(SlowWebApplication.class).sources(sources).run(all);
	}

	/**
	 * Return the port the application's web server listens on.
	 * @param context the running context
	 * @return the port
	 */
	public static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * An HTTP client for requests to 127.0.0.1, each bounded by a timeout.
	 */
	public static final class Client {

		private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

		public HttpResponse<String> send(int port, String path) throws IOException, InterruptedException {
			return this.client.send(request(port, path), BodyHandlers.ofString());
		}

		public CompletableFuture<HttpResponse<String>> sendAsync(int port, String path) {
			return this.client.sendAsync(request(port, path), BodyHandlers.ofString());
		}

		/**
		 * Return whether a connection to the port is refused: nothing listens there.
		 * @param port the port
		 * @return whether the connection was refused
		 */
		public boolean isRefused(int port) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
				return false;
			}
			catch (ConnectException ex) {
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

		private static HttpRequest request(int port, String path) {
			return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(60))
				.build();
		}

	}

}
