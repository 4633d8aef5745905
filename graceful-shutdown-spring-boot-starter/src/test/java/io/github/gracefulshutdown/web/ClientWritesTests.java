package io.github.gracefulshutdown.web;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClientWrites}.
 */
class ClientWritesTests {

	@Test
	void clientThatDoesNotReadHoldsUpNoOtherClient() {
		// The first client's write blocks, as a write to a full send buffer does
		CountDownLatch release = new CountDownLatch(1);
		Set<Integer> written = ConcurrentHashMap.newKeySet();
		List<Integer> clients = IntStream.range(0, 20).boxed().toList();
		try {
			long start = System.nanoTime();
			ClientWrites.run("client-writes-test", clients, (client) -> {
				if (client == 0) {
					awaitQuietly(release);
				}
				written.add(client);
			});
			// Generous slack: the bound is the feature, 1 s
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(written)
					.containsExactlyInAnyOrderElementsOf(clients.subList(1, clients.size())));
		}
		finally {
			release.countDown();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
