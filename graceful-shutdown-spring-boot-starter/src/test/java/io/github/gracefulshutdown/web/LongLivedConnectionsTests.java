package io.github.gracefulshutdown.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.github.gracefulshutdown.ShutdownCoordinator;
import jakarta.servlet.AsyncContext;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * Tests for {@link LongLivedConnections}.
 */
class LongLivedConnectionsTests {

	private final LongLivedConnections connections = new LongLivedConnections(
			new ShutdownCoordinator(Duration.ofSeconds(30), false, List.of(), Clock.systemUTC()), null, List.of(),
			Duration.ZERO, true);

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/poll");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	private final AsyncContext asyncContext = mock(AsyncContext.class);

	LongLivedConnectionsTests() {
		this.request.setAsyncStarted(true);
		given(this.asyncContext.getRequest()).willReturn(this.request);
		given(this.asyncContext.getResponse()).willReturn(this.response);
	}

	@Test
	void waitingRequestIsAnsweredWithServiceUnavailableAndConnectionClose() {
		assertThat(this.connections.answerServiceUnavailable(this.asyncContext)).isTrue();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("Connection")).isEqualTo("close");
	}

	@Test
	void http2RequestIsAnsweredWithoutConnectionHeader() {
		this.request.setProtocol("HTTP/2.0");
		assertThat(this.connections.answerServiceUnavailable(this.asyncContext)).isTrue();
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("Connection")).isNull();
	}

	@Test
	void resultDispatchedMeanwhileKeepsItsStatus() {
		this.response.setStatus(202);
		willThrow(new IllegalStateException("Dispatching")).given(this.asyncContext).complete();
		assertThat(this.connections.answerServiceUnavailable(this.asyncContext)).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(202);
	}

	@Test
	void statusSetByTheApplicationWhileTheRequestCouldNotBeCompletedIsKept() {
		// The application's result is dispatched at the same moment
		willAnswer((invocation) -> {
			this.response.setStatus(201);
			throw new IllegalStateException("Dispatching");
		}).given(this.asyncContext).complete();
		assertThat(this.connections.answerServiceUnavailable(this.asyncContext)).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(201);
	}

	@Test
	void requestWhoseResultIsAlreadyDispatchedIsLeftAlone() {
		this.request.setAsyncStarted(false);
		assertThat(this.connections.answerServiceUnavailable(this.asyncContext)).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(200);
		then(this.asyncContext).should(never()).complete();
	}

	@Test
	void committedResponseIsLeftAlone() throws Exception {
		this.response.flushBuffer();
		assertThat(this.connections.answerServiceUnavailable(this.asyncContext)).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

}
