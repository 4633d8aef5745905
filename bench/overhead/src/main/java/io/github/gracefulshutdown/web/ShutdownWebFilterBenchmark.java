package io.github.gracefulshutdown.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.ShutdownCoordinator;
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
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

/**
 * The starter's per-request work in a Spring WebFlux application: {@link ShutdownWebFilter}
 * in front of a filter chain that does nothing, against the same chain alone. Each
 * benchmark builds the request's {@code Mono} and subscribes to it, as the server does.
 * <p>
 * In the package of the filter because the filter and its constructor are package-private.
 * <ul>
 * <li>{@code chainOnly}: the no-op chain alone, the floor.</li>
 * <li>{@code starterFilter}: the starter's filter with its defaults (the in-flight counter,
 * the shutdown flag, and the response decorated so that event streams can be ended);
 * minus {@code chainOnly}, its own work.</li>
 * <li>{@code starterFilterLongLivedWait}: the same with
 * {@code long-lived-requests=wait}, where responses are not decorated.</li>
 * </ul>
 * Run with one thread and with two ({@code -t 2}: both threads share the filter and its
 * counter).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ShutdownWebFilterBenchmark {

	/**
	 * The filters, shared by all benchmark threads as in a server.
	 */
	@State(Scope.Benchmark)
	public static class Filters {

		ShutdownWebFilter serving;

		ShutdownWebFilter servingLongLivedWait;

		@Setup(Level.Trial)
		public void setUp() {
			ShutdownCoordinator coordinator = new ShutdownCoordinator(Duration.ofHours(1), false, List.of(),
					Clock.systemUTC());
			this.serving = new ShutdownWebFilter(coordinator, true, List.of("/actuator"), true, () -> 0);
			this.servingLongLivedWait = new ShutdownWebFilter(coordinator, true, List.of("/actuator"), false, () -> 0);
		}

	}

	/**
	 * One exchange, chain and subscriber per benchmark thread.
	 */
	@State(Scope.Thread)
	public static class Exchange {

		ServerWebExchange exchange;

		WebFilterChain chain;

		CoreSubscriber<Void> subscriber;

		@Setup(Level.Trial)
		public void setUp(Blackhole blackhole) {
			this.exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/work"));
			this.chain = (exchange) -> {
				blackhole.consume(exchange);
				return Mono.empty();
			};
			this.subscriber = new CompletingSubscriber(blackhole);
		}

	}

	@Benchmark
	public void chainOnly(Exchange exchange) {
		exchange.chain.filter(exchange.exchange).subscribe(exchange.subscriber);
	}

	@Benchmark
	public void starterFilter(Filters filters, Exchange exchange) {
		filters.serving.filter(exchange.exchange, exchange.chain).subscribe(exchange.subscriber);
	}

	@Benchmark
	public void starterFilterLongLivedWait(Filters filters, Exchange exchange) {
		filters.servingLongLivedWait.filter(exchange.exchange, exchange.chain).subscribe(exchange.subscriber);
	}

	/**
	 * Requests everything and hands the completion to the blackhole, as the server's
	 * subscriber that writes the response would.
	 */
	static final class CompletingSubscriber implements CoreSubscriber<Void> {

		private final Blackhole blackhole;

		CompletingSubscriber(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Void value) {
		}

		@Override
		public void onError(Throwable ex) {
			this.blackhole.consume(ex);
		}

		@Override
		public void onComplete() {
			this.blackhole.consume(this);
		}

	}

}
