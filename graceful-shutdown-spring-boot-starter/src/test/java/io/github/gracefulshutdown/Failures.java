package io.github.gracefulshutdown;

import java.util.stream.Stream;

import org.junit.jupiter.api.Named;

/**
 * What a step, a listener or a callback of the shutdown may throw, for parameterized
 * tests: an exception, and an {@link Error} such as a class that can no longer be loaded.
 * Each message contains {@code boom}.
 */
final class Failures {

	private Failures() {
	}

	static Stream<Named<Runnable>> exceptionAndError() {
		return Stream.of(Named.of("an exception", () -> {
			throw new IllegalStateException("boom");
		}), Named.of("an error", () -> {
			throw new NoClassDefFoundError("com/example/boom");
		}));
	}

}
