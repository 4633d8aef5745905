package io.github.gracefulshutdown.web;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.ShutdownCoordinator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The starter's per-request work: {@link ShutdownRequestFilter} in front of a filter chain
 * that does nothing, against the same chain alone and against a filter that does nothing.
 * <p>
 * In the package of the filter because the filter and its constructor are package-private.
 * <ul>
 * <li>{@code chainOnly}: the no-op chain alone, the floor.</li>
 * <li>{@code noopFilter}: a {@link OncePerRequestFilter} that only calls the chain: what
 * any such filter costs (request attribute set, read and removed).</li>
 * <li>{@code starterFilter}: the starter's filter through {@code doFilter}, as the servlet
 * container calls it; {@code starterFilter - noopFilter} is the starter's own work.</li>
 * <li>{@code starterDoFilterInternal}: the starter's {@code doFilterInternal} alone
 * (in-flight counter, thread set, shutdown flag); minus {@code chainOnly}, its own
 * work.</li>
 * <li>{@code starterDoFilterInternalShuttingDown}: the same once the shutdown has begun,
 * when every response gets {@code Connection: close}.</li>
 * </ul>
 * Run with one thread and with two ({@code -t 2}: both threads share the filter, its
 * counter and its thread set).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ShutdownRequestFilterBenchmark {

	/**
	 * The filters, shared by all benchmark threads as in a servlet container.
	 */
	@State(Scope.Benchmark)
	public static class Filters {

		ShutdownRequestFilter serving;

		ShutdownRequestFilter shuttingDown;

		OncePerRequestFilter noop;

		@Setup(Level.Trial)
		public void setUp() {
			this.serving = new ShutdownRequestFilter(coordinator(), true);
			ShutdownCoordinator begun = coordinator();
			// Arms a daemon watchdog that only logs (no halt) after an hour
			begun.begin(() -> false);
			this.shuttingDown = new ShutdownRequestFilter(begun, true);
			this.noop = new NoopFilter();
		}

		private static ShutdownCoordinator coordinator() {
			return new ShutdownCoordinator(Duration.ofHours(1), false, List.of(), Clock.systemUTC());
		}

	}

	/**
	 * One request, response and chain per benchmark thread, as a request is handled by
	 * one thread.
	 */
	@State(Scope.Thread)
	public static class Exchange {

		MockHttpServletRequest request;

		MockHttpServletResponse response;

		NoopChain chain;

		@Setup(Level.Trial)
		public void setUp(Blackhole blackhole) {
			this.request = new MockHttpServletRequest("GET", "/work");
			this.response = new MockHttpServletResponse();
			this.chain = new NoopChain(blackhole);
		}

	}

	@Benchmark
	public void chainOnly(Exchange exchange) throws IOException, ServletException {
		exchange.chain.doFilter(exchange.request, exchange.response);
	}

	@Benchmark
	public void noopFilter(Filters filters, Exchange exchange) throws IOException, ServletException {
		filters.noop.doFilter(exchange.request, exchange.response, exchange.chain);
	}

	@Benchmark
	public void starterFilter(Filters filters, Exchange exchange) throws IOException, ServletException {
		filters.serving.doFilter(exchange.request, exchange.response, exchange.chain);
	}

	@Benchmark
	public void starterDoFilterInternal(Filters filters, Exchange exchange) throws IOException, ServletException {
		filters.serving.doFilterInternal(exchange.request, exchange.response, exchange.chain);
	}

	@Benchmark
	public void starterDoFilterInternalShuttingDown(Filters filters, Exchange exchange)
			throws IOException, ServletException {
		filters.shuttingDown.doFilterInternal(exchange.request, exchange.response, exchange.chain);
	}

	/**
	 * The end of the chain: hands the request to the blackhole so that nothing is
	 * optimised away.
	 */
	static final class NoopChain implements FilterChain {

		private final Blackhole blackhole;

		NoopChain(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

		@Override
		public void doFilter(ServletRequest request, ServletResponse response) {
			this.blackhole.consume(request);
		}

	}

	/**
	 * A filter that only calls the chain.
	 */
	static final class NoopFilter extends OncePerRequestFilter {

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			chain.doFilter(request, response);
		}

	}

}
