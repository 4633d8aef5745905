package io.github.gracefulshutdown.web;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.GracefulShutdownPhases;
import io.github.gracefulshutdown.RequestArrivals;
import io.github.gracefulshutdown.ShutdownCoordinator;
import io.github.gracefulshutdown.autoconfigure.GracefulShutdownAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;

/**
 * Tests for {@link WebGracefulShutdownConfiguration}.
 */
class WebGracefulShutdownConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulShutdownAutoConfiguration.class));

	@Test
	void longLivedRequestsAreEndedByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LongLivedConnections.class)
				.hasSingleBean(WebSocketSessionTracker.class)
				.hasSingleBean(WebSocketHandlerTrackingPostProcessor.class);
			assertThat(context.getBean(LongLivedConnections.class).getPhase())
				.isEqualTo(GracefulShutdownPhases.LONG_LIVED_REQUESTS);
		});
	}

	@Test
	void httpDrainIsTimedFromTheStartMarkerToItsOwnPhaseAfterTheWebServerDrain() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean("gracefulShutdownHttpDrainStart", SmartLifecycle.class).getPhase())
				.isEqualTo(GracefulShutdownPhases.HTTP_DRAIN_START)
				.isGreaterThan(GracefulShutdownPhases.WEB_SERVER_GRACEFUL_SHUTDOWN);
			assertThat(context.getBean(HttpDrain.class).getPhase()).isEqualTo(GracefulShutdownPhases.HTTP_DRAIN_END)
				.isLessThan(GracefulShutdownPhases.WEB_SERVER_GRACEFUL_SHUTDOWN);
		});
	}

	@Test
	void whenLongLivedRequestsWaitThenNothingEndsThem() {
		this.contextRunner.withPropertyValues("graceful-shutdown.web.long-lived-requests=wait")
			.withUserConfiguration(WebSocketHandlerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasBean("gracefulShutdownRequestFilter")
					.doesNotHaveBean(LongLivedConnections.class)
					.doesNotHaveBean(WebSocketSessionTracker.class);
				assertThat(AopUtils.isAopProxy(context.getBean(UserHandler.class))).isFalse();
			});
	}

	@Test
	void worksWithoutSpringWebSocket() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.web.socket"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(LongLivedConnections.class)
				.doesNotHaveBean("gracefulShutdownWebSocketSessions"));
	}

	@Test
	void webSocketHandlerBeansAreProxiedAndKeepTheirType() {
		this.contextRunner.withUserConfiguration(WebSocketHandlerConfiguration.class).run((context) -> {
			UserHandler handler = context.getBean(UserHandler.class);
			assertThat(AopUtils.isCglibProxy(handler)).isTrue();
			assertThat(AopUtils.isAopProxy(context.getBean(FinalUserHandler.class))).isFalse();
			WebSocketSession session = mock(WebSocketSession.class);
			given(session.isOpen()).willReturn(true);
			handler.afterConnectionEstablished(session);
			assertThat(handler.established()).isOne();
			assertThat(context.getBean(WebSocketSessionTracker.class).closeAll()).isOne();
			// Closed on a thread of its own
			then(session).should(timeout(30_000)).close(CloseStatus.GOING_AWAY);
			assertThat(context.getBean(WebSocketSessionTracker.class).closeAll()).isZero();
		});
	}

	@Test
	void webSocketSessionWhoseCloseBlocksDoesNotHoldTheShutdown() throws Exception {
		// A client that does not read: sending the close frame blocks until Tomcat's send
		// timeout
		WebSocketSessionTracker tracker = new WebSocketSessionTracker();
		CountDownLatch clientReads = new CountDownLatch(1);
		WebSocketSession stuck = mock(WebSocketSession.class);
		given(stuck.isOpen()).willReturn(true);
		willAnswer((invocation) -> clientReads.await(120, TimeUnit.SECONDS)).given(stuck).close(CloseStatus.GOING_AWAY);
		ProxyFactory proxyFactory = new ProxyFactory(new TextWebSocketHandler());
		proxyFactory.addAdvice(tracker);
		((WebSocketHandler) proxyFactory.getProxy()).afterConnectionEstablished(stuck);
		try {
			assertThat(CompletableFuture.supplyAsync(tracker::closeAll).get(30, TimeUnit.SECONDS)).isOne();
			then(stuck).should(timeout(30_000)).close(CloseStatus.GOING_AWAY);
		}
		finally {
			clientReads.countDown();
		}
	}

	@Test
	void requestFilterIgnoresProbesAndScrapesWhenRecordingArrivals() {
		this.contextRunner
			.withPropertyValues("spring.mvc.servlet.path=/api", "graceful-shutdown.force-exit.on-timeout=false")
			.run((context) -> {
				ShutdownRequestFilter filter = context.getBean(ShutdownRequestFilter.class);
				RequestArrivals arrivals = context.getBean(RequestArrivals.class);
				assertThat(arrivals).isSameAs(filter);
				filter.doFilter(new MockHttpServletRequest("GET", "/orders"), new MockHttpServletResponse(),
						new MockFilterChain());
				assertThat(arrivals.lastArrivalNanos()).isEmpty();
				context.getBean(ShutdownCoordinator.class).begin(() -> true);
				for (String path : List.of("/api/actuator/health/readiness", "/api/readyz", "/api/livez")) {
					filter.doFilter(new MockHttpServletRequest("GET", path), new MockHttpServletResponse(),
							new MockFilterChain());
				}
				assertThat(arrivals.lastArrivalNanos()).isEmpty();
				long before = System.nanoTime();
				filter.doFilter(new MockHttpServletRequest("GET", "/api/orders"), new MockHttpServletResponse(),
						new MockFilterChain());
				OptionalLong lastArrival = arrivals.lastArrivalNanos();
				assertThat(lastArrival).isPresent();
				assertThat(lastArrival.getAsLong() - before).isNotNegative();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class WebSocketHandlerConfiguration {

		@Bean
		UserHandler userHandler() {
			return new UserHandler();
		}

		@Bean
		FinalUserHandler finalUserHandler() {
			return new FinalUserHandler();
		}

	}

	static class UserHandler extends TextWebSocketHandler {

		private int established;

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			this.established++;
		}

		int established() {
			return this.established;
		}

	}

	static final class FinalUserHandler extends TextWebSocketHandler {

	}

}
