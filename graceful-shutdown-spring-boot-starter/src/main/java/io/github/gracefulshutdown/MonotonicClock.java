package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * {@link Clock} that advances with {@link System#nanoTime()}, the clock of the
 * {@link ShutdownCoordinator}, the {@link ShutdownSignal} and the deadlines of the
 * participants. A change of the wall clock while the application shuts down (an NTP step,
 * a virtual machine resumed) then neither ends the shutdown early, with the watchdog
 * halting the JVM, nor lets it run past its budget. Its instants start from the wall time
 * when the class is initialized and then follow the monotonic time: they differ from the
 * wall clock by any step it has taken since. Compare them with each other, or use the
 * {@code remaining()} methods, rather than with {@link Instant#now()}.
 *
 * @since 0.1.0
 */
public final class MonotonicClock extends Clock {

	private static final MonotonicClock SYSTEM = new MonotonicClock(Instant.now(), null, ZoneOffset.UTC);

	private final Instant origin;

	private final long originNanos;

	// System.nanoTime() when null: no method reference to link at startup
	private final @Nullable LongSupplier nanoTime;

	private final ZoneId zone;

	MonotonicClock(Instant origin, @Nullable LongSupplier nanoTime, ZoneId zone) {
		this(origin, nanoTime(nanoTime), nanoTime, zone);
	}

	private MonotonicClock(Instant origin, long originNanos, @Nullable LongSupplier nanoTime, ZoneId zone) {
		this.origin = origin;
		this.originNanos = originNanos;
		this.nanoTime = nanoTime;
		this.zone = zone;
	}

	/**
	 * Return the clock of this JVM, in UTC.
	 * @return the clock
	 */
	public static MonotonicClock system() {
		return SYSTEM;
	}

	@Override
	public ZoneId getZone() {
		return this.zone;
	}

	@Override
	public MonotonicClock withZone(ZoneId zone) {
		return zone.equals(this.zone) ? this : new MonotonicClock(this.origin, this.originNanos, this.nanoTime, zone);
	}

	@Override
	public Instant instant() {
		// The difference, not the values, of nanoTime readings is meaningful
		return this.origin.plusNanos(nanoTime(this.nanoTime) - this.originNanos);
	}

	private static long nanoTime(@Nullable LongSupplier nanoTime) {
		return (nanoTime != null) ? nanoTime.getAsLong() : System.nanoTime();
	}

}
