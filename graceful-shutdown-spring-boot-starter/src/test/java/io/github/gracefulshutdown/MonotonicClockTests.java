package io.github.gracefulshutdown;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MonotonicClock}.
 */
class MonotonicClockTests {

	private static final Instant ORIGIN = Instant.parse("2026-11-22T12:00:00Z");

	private final AtomicLong nanoTime = new AtomicLong(Long.MAX_VALUE - 1_000_000_000L);

	private final MonotonicClock clock = new MonotonicClock(ORIGIN, this.nanoTime::get, ZoneOffset.UTC);

	@Test
	void advancesWithTheMonotonicTimeFromTheWallTimeItStartedAt() {
		assertThat(this.clock.instant()).isEqualTo(ORIGIN);
		this.nanoTime.addAndGet(1_500_000_000L);
		assertThat(this.clock.instant()).isEqualTo(ORIGIN.plus(Duration.ofMillis(1500)));
		assertThat(this.clock.millis()).isEqualTo(ORIGIN.toEpochMilli() + 1500);
	}

	@Test
	void measuresAcrossTheOverflowOfTheMonotonicTime() {
		this.nanoTime.addAndGet(3_000_000_000L);
		assertThat(this.nanoTime.get()).isNegative();
		assertThat(this.clock.instant()).isEqualTo(ORIGIN.plusSeconds(3));
	}

	@Test
	void otherZoneKeepsTheSameTime() {
		ZoneId paris = ZoneId.of("Europe/Paris");
		MonotonicClock inParis = this.clock.withZone(paris);
		this.nanoTime.addAndGet(2_000_000_000L);
		assertThat(inParis.getZone()).isEqualTo(paris);
		assertThat(inParis.instant()).isEqualTo(this.clock.instant()).isEqualTo(ORIGIN.plusSeconds(2));
		assertThat(this.clock.withZone(ZoneOffset.UTC)).isSameAs(this.clock);
	}

	@Test
	void systemClockIsOneForTheJvmAndMovesForward() {
		MonotonicClock system = MonotonicClock.system();
		assertThat(MonotonicClock.system()).isSameAs(system);
		assertThat(system.getZone()).isEqualTo(ZoneOffset.UTC);
		Instant first = system.instant();
		assertThat(system.instant()).isAfterOrEqualTo(first);
	}

}
