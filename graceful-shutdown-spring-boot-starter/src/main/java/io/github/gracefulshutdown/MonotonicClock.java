package io.github.gracefulshutdown;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

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

	private static final MonotonicClock SYSTEM = new MonotonicClock(Instant.now(), System::nanoTime, ZoneOffset.UTC);

	private final Instant origin;

	private final long originNanos;

	private final LongSupplier nanoTime;

	private final ZoneId zone;

	MonotonicClock(Instant origin, LongSupplier nanoTime, ZoneId zone) {
		this(origin, nanoTime.getAsLong(), nanoTime, zone);
	}

	private MonotonicClock(Instant origin, long originNanos, LongSupplier nanoTime, ZoneId zone) {
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
		return this.origin.plusNanos(this.nanoTime.getAsLong() - this.originNanos);
	}

}
