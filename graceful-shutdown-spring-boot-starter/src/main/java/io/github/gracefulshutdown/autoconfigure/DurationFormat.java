package io.github.gracefulshutdown.autoconfigure;

import java.time.Duration;

/**
 * Prints durations the way users write them in configuration ({@code 5s},
 * {@code 1500ms}).
 */
final class DurationFormat {

	private DurationFormat() {
	}

	static String print(Duration duration) {
		if (duration.toMillis() % 1000 == 0) {
			return duration.toSeconds() + "s";
		}
		return duration.toMillis() + "ms";
	}

}
