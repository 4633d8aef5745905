package io.github.gracefulshutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A running shutdown phase, started through {@link ShutdownCoordinator#startPhase}. It
 * ends once; later calls to {@link #end} are ignored.
 *
 * @since 0.1.0
 */
public final class ShutdownPhase {

	private static final Log logger = LogFactory.getLog(ShutdownPhase.class);

	private final ShutdownCoordinator coordinator;

	private final String name;

	private final Instant startedAt;

	private final Supplier<Collection<Thread>> holders;

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile @Nullable Duration duration;

	ShutdownPhase(ShutdownCoordinator coordinator, String name, Instant startedAt,
			Supplier<Collection<Thread>> holders) {
		this.coordinator = coordinator;
		this.name = name;
		this.startedAt = startedAt;
		this.holders = holders;
	}

	/**
	 * Return the phase name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return how long the phase has been running, or how long it ran once it has ended.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		Duration duration = this.duration;
		return (duration != null) ? duration : Duration.between(this.startedAt, this.coordinator.clock().instant());
	}

	/**
	 * End the phase.
	 * @param outcome how it ended
	 * @return {@code true} if this call ended the phase
	 */
	public boolean end(ShutdownOutcome outcome) {
		if (!this.ended.compareAndSet(false, true)) {
			return false;
		}
		this.duration = Duration.between(this.startedAt, this.coordinator.clock().instant());
		this.coordinator.phaseEnded(this, outcome);
		return true;
	}

	// The threads come from the application (a participant's threads): the watchdog that
	// asks for them must still halt when they cannot be had
	Collection<Thread> holders() {
		try {
			Collection<Thread> holders = this.holders.get();
			return (holders != null) ? holders.stream().filter(Objects::nonNull).toList() : List.of();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not get the threads of shutdown phase '" + this.name + "'", ex);
			return List.of();
		}
	}

}
