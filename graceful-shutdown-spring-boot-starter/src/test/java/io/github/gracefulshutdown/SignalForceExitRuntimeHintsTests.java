package io.github.gracefulshutdown;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SignalForceExitRuntimeHints}.
 */
class SignalForceExitRuntimeHintsTests {

	@Test
	void coverWhatSignalForceExitReachesThroughReflection() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		new SignalForceExitRuntimeHints().registerHints(hints, getClass().getClassLoader());
		Class<?> signal = Class.forName("sun.misc.Signal");
		Class<?> handler = Class.forName("sun.misc.SignalHandler");
		ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();
		assertThat(reflection.onConstructorInvocation(signal.getConstructor(String.class))).accepts(hints);
		assertThat(reflection.onMethodInvocation(signal.getMethod("handle", signal, handler))).accepts(hints);
		assertThat(reflection.onMethodInvocation(signal.getMethod("getName"))).accepts(hints);
		assertThat(reflection.onMethodInvocation(handler.getMethod("handle", signal))).accepts(hints);
		assertThat(reflection.onFieldAccess(handler.getField("SIG_DFL"))).accepts(hints);
		assertThat(reflection.onFieldAccess(handler.getField("SIG_IGN"))).accepts(hints);
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(handler)).accepts(hints);
	}

	@Test
	void areRegisteredForAheadOfTimeProcessing() {
		assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
			.hasAtLeastOneElementOfType(SignalForceExitRuntimeHints.class);
	}

}
