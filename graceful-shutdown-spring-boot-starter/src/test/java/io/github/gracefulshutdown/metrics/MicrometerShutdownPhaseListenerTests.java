package io.github.gracefulshutdown.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.gracefulshutdown.ShutdownOutcome;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerShutdownPhaseListener}.
 */
class MicrometerShutdownPhaseListenerTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerShutdownPhaseListener listener = new MicrometerShutdownPhaseListener(this.registry,
			List.of(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(120)),
			() -> List.of("http", "outbox"));

	@Test
	void nothingIsRegisteredBeforeTheShutdown() {
		assertThat(this.registry.find(MicrometerShutdownPhaseListener.METER_NAME).timers()).isEmpty();
	}

	@Test
	void everyPhaseAndOutcomeIsRegisteredWhenTheFirstPhaseEnds() {
		this.listener.phaseEnded("readiness", Duration.ofMillis(2), ShutdownOutcome.COMPLETED);
		assertThat(this.registry.find(MicrometerShutdownPhaseListener.METER_NAME).timers()).hasSize(8);
		assertThat(this.registry.get(MicrometerShutdownPhaseListener.METER_NAME)
			.tags(MicrometerShutdownPhaseListener.PHASE_TAG, "outbox", MicrometerShutdownPhaseListener.OUTCOME_TAG,
					"timed_out")
			.timer()
			.count()).isZero();
	}

	@Test
	void phaseDurationIsRecordedWithItsOutcomeInTheBuckets() {
		this.listener.phaseEnded("http", Duration.ofMillis(850), ShutdownOutcome.COMPLETED);
		Timer timer = this.registry.get(MicrometerShutdownPhaseListener.METER_NAME)
			.tags(MicrometerShutdownPhaseListener.PHASE_TAG, "http", MicrometerShutdownPhaseListener.OUTCOME_TAG,
					"completed")
			.timer();
		assertThat(timer.count()).isOne();
		assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(850);
		CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
		assertThat(buckets).extracting((bucket) -> bucket.bucket(TimeUnit.SECONDS)).containsExactly(0.1, 1.0, 120.0);
		assertThat(buckets).extracting(CountAtBucket::count).containsExactly(0.0, 1.0, 1.0);
		assertThat(timer.getId().getDescription()).isEqualTo("Duration of a graceful shutdown phase");
	}

	@Test
	void recordsAfterTheRegistryWasClosed() {
		this.listener.phaseEnded("http", Duration.ofMillis(400), ShutdownOutcome.COMPLETED);
		this.registry.close();
		this.listener.phaseEnded("outbox", Duration.ofSeconds(3), ShutdownOutcome.TIMED_OUT);
		assertThat(this.registry.get(MicrometerShutdownPhaseListener.METER_NAME)
			.tags(MicrometerShutdownPhaseListener.PHASE_TAG, "outbox", MicrometerShutdownPhaseListener.OUTCOME_TAG,
					"timed_out")
			.timer()
			.count()).isOne();
	}

	@Test
	void unknownPhaseIsIgnored() {
		this.listener.phaseEnded("unknown", Duration.ofSeconds(3), ShutdownOutcome.COMPLETED);
		assertThat(this.registry.find(MicrometerShutdownPhaseListener.METER_NAME)
			.tag(MicrometerShutdownPhaseListener.PHASE_TAG, "unknown")
			.timers()).isEmpty();
	}

}
