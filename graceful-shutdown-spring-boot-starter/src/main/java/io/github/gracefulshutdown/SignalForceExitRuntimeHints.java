package io.github.gracefulshutdown;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * {@link RuntimeHintsRegistrar} for {@link SignalForceExit}: the members of
 * {@code sun.misc.Signal} and {@code sun.misc.SignalHandler} it uses through reflection,
 * and the JDK proxy that implements the handler. Without them a native image starts
 * without the second-signal force exit, as a JVM run with {@code -Xrs} does. Registered
 * in {@code META-INF/spring/aot.factories}.
 */
class SignalForceExitRuntimeHints implements RuntimeHintsRegistrar {

	private static final TypeReference SIGNAL = TypeReference.of("sun.misc.Signal");

	private static final TypeReference SIGNAL_HANDLER = TypeReference.of("sun.misc.SignalHandler");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(SIGNAL,
					(type) -> type.withConstructor(List.of(TypeReference.of(String.class)), ExecutableMode.INVOKE)
						.withMethod("handle", List.of(SIGNAL, SIGNAL_HANDLER), ExecutableMode.INVOKE)
						.withMethod("getName", List.of(), ExecutableMode.INVOKE))
			.registerType(SIGNAL_HANDLER,
					(type) -> type.withField("SIG_DFL")
						.withField("SIG_IGN")
						.withMethod("handle", List.of(SIGNAL), ExecutableMode.INVOKE));
		hints.proxies().registerJdkProxy(SIGNAL_HANDLER);
	}

}
