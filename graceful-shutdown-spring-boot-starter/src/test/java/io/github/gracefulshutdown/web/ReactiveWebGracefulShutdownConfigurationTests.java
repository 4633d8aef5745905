package io.github.gracefulshutdown.web;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.InFlightRequests;
import io.github.gracefulshutdown.RequestArrivals;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.adapter.StandardWebSocketSession;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ReactiveWebGracefulShutdownConfiguration}, {@link ShutdownWebFilter}
 * and {@link ReactiveWebSocketSessionTracker}.
 */
class ReactiveWebGracefulShutdownConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulShutdownAutoConfiguration.class));

	@Test
	void webFilterCountsRequestsAndTheDrainIsTimed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ShutdownWebFilter.class)
				.hasSingleBean(ReactiveWebSocketSessionTracker.class)
				.hasSingleBean(WebSocketHandlerTrackingPostProcessor.class)
				.doesNotHaveBean(ShutdownRequestFilter.class)
				.doesNotHaveBean(LongLivedConnections.class);
			assertThat(context.getBean(InFlightRequests.class)).isSameAs(context.getBean(ShutdownWebFilter.class));
			assertThat(context.getBean(RequestArrivals.class)).isSameAs(context.getBean(ShutdownWebFilter.class));
			assertThat(context.getBean("gracefulShutdownHttpDrainStart", SmartLifecycle.class).getPhase())
				.isEqualTo(GracefulShutdownPhases.HTTP_DRAIN_START);
			assertThat(context.getBean(HttpDrain.class).getPhase()).isEqualTo(GracefulShutdownPhases.HTTP_DRAIN_END);
		});
	}

	@Test
	void eventStreamsAreEndedWhenTheDrainStartsByDefault() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean("gracefulShutdownLongLivedConnections", SmartLifecycle.class).getPhase())
			.isEqualTo(GracefulShutdownPhases.LONG_LIVED_REQUESTS));
	}

	@Test
	void eventStreamsAreLeftToTheDrainWhenLongLivedRequestsWait() {
		this.contextRunner.withPropertyValues("graceful-shutdown.web.long-lived-requests=wait")
			.run((context) -> assertThat(context).hasSingleBean(ShutdownWebFilter.class)
				.hasSingleBean(ReactiveWebSocketSessionTracker.class)
				.doesNotHaveBean("gracefulShutdownLongLivedConnections"));
	}

	@Test
	void openWebSocketSessionsCountAsInFlightRequests() {
		ShutdownWebFilter filter = new ShutdownWebFilter(mock(ShutdownCoordinator.class), true, List.of(), true,
				() -> 2);
		assertThat(filter.count()).isEqualTo(2);
	}

	@Test
	void servletApplicationHasNoWebFilter() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GracefulShutdownAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(ShutdownRequestFilter.class)
				.hasSingleBean(HttpDrain.class)
				.doesNotHaveBean(ShutdownWebFilter.class));
	}

	@Test
	void whenUserDefinesWebFilterThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserWebFilterConfiguration.class)
			.run((context) -> assertThat(context.getBean("gracefulShutdownWebFilter")).isEqualTo("user"));
	}

	@Test
	void requestIsInFlightUntilItsResponseCompletes() {
		ShutdownWebFilter filter = new ShutdownWebFilter(mock(ShutdownCoordinator.class), true, List.of(), true,
				() -> 0);
		AtomicInteger countInChain = new AtomicInteger(-1);
		WebFilterChain chain = (exchange) -> Mono.fromRunnable(() -> countInChain.set(filter.count()));
		Mono<Void> filtered = filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/orders")), chain);
		assertThat(filter.count()).isZero();
		filtered.block();
		assertThat(countInChain).hasValue(1);
		assertThat(filter.count()).isZero();
		assertThat(filter.threads()).isEmpty();
	}

	@Test
	void requestIsNoLongerInFlightWhenTheServerSeesItsCompletion() {
		// Reactor Netty's drain may end as soon as it sees the completion, and the
		// drain's
		// end then reads the count
		ShutdownWebFilter filter = new ShutdownWebFilter(mock(ShutdownCoordinator.class), true, List.of(), true,
				() -> 0);
		AtomicInteger countSeenByServer = new AtomicInteger(-1);
		filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/orders")), (exchange) -> Mono.empty())
			.doOnSuccess((ignored) -> countSeenByServer.set(filter.count()))
			.block();
		assertThat(countSeenByServer).hasValue(0);
	}

	@Test
	void failedRequestIsNoLongerInFlightWhenTheServerSeesTheError() {
		ShutdownWebFilter filter = new ShutdownWebFilter(mock(ShutdownCoordinator.class), true, List.of(), true,
				() -> 0);
		AtomicInteger countSeenByServer = new AtomicInteger(-1);
		filter
			.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/orders")),
					(exchange) -> Mono.error(new IllegalStateException("failed")))
			.doOnError((ex) -> countSeenByServer.set(filter.count()))
			.onErrorComplete()
			.block();
		assertThat(countSeenByServer).hasValue(0);
	}

	@Test
	void cancelledRequestIsNoLongerInFlight() {
		ShutdownWebFilter filter = new ShutdownWebFilter(mock(ShutdownCoordinator.class), true, List.of(), true,
				() -> 0);
		Disposable request = filter
			.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/orders")), (exchange) -> Mono.never())
			.subscribe();
		assertThat(filter.count()).isOne();
		request.dispose();
		assertThat(filter.count()).isZero();
	}

	@Test
	void requestCancelledAfterItsCompletionLeavesTheCountOnce() {
		ShutdownWebFilter filter = new ShutdownWebFilter(mock(ShutdownCoordinator.class), true, List.of(), true,
				() -> 0);
		filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/orders")), (exchange) -> Mono.empty())
			.subscribe(new CancelOnCompleteSubscriber());
		assertThat(filter.count()).isZero();
	}

	@Test
	void webSocketSessionIsNoLongerOpenWhenTheServerSeesItsEnd() {
		ReactiveWebSocketSessionTracker tracker = new ReactiveWebSocketSessionTracker();
		ProxyFactory proxyFactory = new ProxyFactory((WebSocketHandler) (session) -> Mono.empty());
		proxyFactory.addAdvice(tracker);
		WebSocketHandler handler = (WebSocketHandler) proxyFactory.getProxy();
		AtomicInteger countSeenByServer = new AtomicInteger(-1);
		handler.handle(mock(ReactorNettyWebSocketSession.class))
			.doOnSuccess((ignored) -> countSeenByServer.set(tracker.countHoldingTheDrain()))
			.block();
		assertThat(countSeenByServer).hasValue(0);
	}

	@Test
	void webSocketSessionWhoseHandlerThrowsIsNotKept() {
		ReactiveWebSocketSessionTracker tracker = new ReactiveWebSocketSessionTracker();
		ProxyFactory proxyFactory = new ProxyFactory((WebSocketHandler) (session) -> {
			throw new IllegalStateException("failed");
		});
		proxyFactory.addAdvice(tracker);
		WebSocketHandler handler = (WebSocketHandler) proxyFactory.getProxy();
		assertThatIllegalStateException().isThrownBy(() -> handler.handle(mock(ReactorNettyWebSocketSession.class)));
		assertThat(tracker.countHoldingTheDrain()).isZero();
	}

	@Test
	void onlyReactorNettySessionsHoldTheDrain() {
		ReactiveWebSocketSessionTracker tracker = new ReactiveWebSocketSessionTracker();
		ProxyFactory proxyFactory = new ProxyFactory((WebSocketHandler) (session) -> Mono.never());
		proxyFactory.addAdvice(tracker);
		WebSocketHandler handler = (WebSocketHandler) proxyFactory.getProxy();
		// Tomcat's drain, as on the servlet stack, ends without its sessions
		handler.handle(mock(StandardWebSocketSession.class)).subscribe();
		assertThat(tracker.countHoldingTheDrain()).isZero();
		handler.handle(mock(ReactorNettyWebSocketSession.class)).subscribe();
		assertThat(tracker.countHoldingTheDrain()).isOne();
	}

	@Test
	void failedRequestIsNoLongerInFlight() {
		ShutdownWebFilter filter = new ShutdownWebFilter(mock(ShutdownCoordinator.class), true, List.of(), true,
				() -> 0);
		WebFilterChain chain = (exchange) -> Mono.error(new IllegalStateException("failed"));
		Mono<Void> filtered = filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/orders")), chain);
		filtered.onErrorComplete().block();
		assertThat(filter.count()).isZero();
	}

	@Test
	void arrivalsDuringTheShutdownAreRecordedExceptProbesAndScrapes() {
		ShutdownCoordinator coordinator = mock(ShutdownCoordinator.class);
		given(coordinator.isShuttingDown()).willReturn(true);
		ShutdownWebFilter filter = new ShutdownWebFilter(coordinator, true, List.of("/actuator", "/livez"), true,
				() -> 0);
		WebFilterChain chain = (exchange) -> Mono.empty();
		filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health/readiness")), chain)
			.block();
		filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/livez")), chain).block();
		assertThat(filter.lastArrivalNanos()).isEmpty();
		long before = System.nanoTime();
		filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/orders")), chain).block();
		assertThat(filter.lastArrivalNanos()).isPresent();
		assertThat(filter.lastArrivalNanos().getAsLong()).isGreaterThanOrEqualTo(before);
	}

	@Test
	void responseToARequestThatReactorNettyDidNotReceiveGetsNoConnectionHeader() {
		ShutdownCoordinator coordinator = mock(ShutdownCoordinator.class);
		given(coordinator.isShuttingDown()).willReturn(true);
		ShutdownWebFilter filter = new ShutdownWebFilter(coordinator, true, List.of(), true, () -> 0);
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/orders"));
		filter.filter(exchange, (ignored) -> Mono.empty()).block();
		assertThat(exchange.getResponse().getHeaders().getFirst("Connection")).isNull();
	}

	/**
	 * Cancels its subscription when the request completes, as some subscribers do.
	 */
	static class CancelOnCompleteSubscriber implements CoreSubscriber<Void> {

		private @Nullable Subscription subscription;

		@Override
		public void onSubscribe(Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Void value) {
		}

		@Override
		public void onError(Throwable ex) {
		}

		@Override
		public void onComplete() {
			Subscription subscription = this.subscription;
			assertThat(subscription).isNotNull();
			subscription.cancel();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebFilterConfiguration {

		@Bean
		String gracefulShutdownWebFilter() {
			return "user";
		}

	}

}
