package io.github.gracefulshutdown.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.gracefulshutdown.ShutdownOutcome;
import io.github.gracefulshutdown.ShutdownPhaseListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * {@link ShutdownPhaseListener} that records the duration of every shutdown phase in
 * Micrometer.
 * <p>
 * Meters:
 * <ul>
 * <li>{@code shutdown.phase.duration} (timer, Prometheus
 * {@code shutdown_phase_duration_seconds}, a histogram with the configured bucket
 * boundaries): how long a phase took. Tags: {@code phase} ({@code readiness},
 * {@code propagation}, {@code http}, {@code kafka}, {@code scheduling}, {@code total},
 * and the phase of every {@link io.github.gracefulshutdown.ShutdownParticipant}) and
 * {@code outcome} ({@code completed}, {@code timed_out}, {@code failed},
 * {@code skipped}).</li>
 * </ul>
 * Every phase and outcome is registered when the first phase ends ({@code readiness},
 * right after readiness changed to refusing traffic), so the timers cost nothing at
 * startup and while the application runs. That is still before any meter registry closes:
 * the shutdown begins in the first {@code ContextClosedEvent} listener, ahead of Spring
 * Boot's registry closer, and a closed registry would hand out no-op meters for new ids
 * while existing meters keep recording.
 */
final class MicrometerShutdownPhaseListener implements ShutdownPhaseListener {

	static final String METER_NAME = "shutdown.phase.duration";

	static final String PHASE_TAG = "phase";

	static final String OUTCOME_TAG = "outcome";

	private final MeterRegistry registry;

	private final List<Duration> buckets;

	private final Supplier<Collection<String>> phases;

	private volatile @Nullable Map<String, Timer> timers;

	MicrometerShutdownPhaseListener(MeterRegistry registry, List<Duration> buckets,
			Supplier<Collection<String>> phases) {
		this.registry = registry;
		this.buckets = List.copyOf(buckets);
		this.phases = phases;
	}

	@Override
	public void phaseEnded(String phase, Duration duration, ShutdownOutcome outcome) {
		Timer timer = timers().get(key(phase, outcome));
		if (timer != null) {
			timer.record(duration);
		}
	}

	private Map<String, Timer> timers() {
		Map<String, Timer> timers = this.timers;
		if (timers == null) {
			synchronized (this) {
				timers = this.timers;
				if (timers == null) {
					timers = registerTimers();
					this.timers = timers;
				}
			}
		}
		return timers;
	}

	private Map<String, Timer> registerTimers() {
		Duration[] slos = this.buckets.toArray(Duration[]::new);
		Map<String, Timer> timers = new HashMap<>();
		for (String phase : this.phases.get()) {
			for (ShutdownOutcome outcome : ShutdownOutcome.values()) {
				Timer timer = Timer.builder(METER_NAME)
					.description("Duration of a graceful shutdown phase")
					.tag(PHASE_TAG, phase)
					.tag(OUTCOME_TAG, outcome.tagValue())
					.serviceLevelObjectives(slos)
					.register(this.registry);
				timers.put(key(phase, outcome), timer);
			}
		}
		return timers;
	}

	private static String key(String phase, ShutdownOutcome outcome) {
		return phase + "/" + outcome.tagValue();
	}

}
