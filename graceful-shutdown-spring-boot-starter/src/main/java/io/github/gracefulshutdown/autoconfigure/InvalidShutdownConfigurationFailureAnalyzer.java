package io.github.gracefulshutdown.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains an {@link InvalidShutdownConfigurationException}, also when Spring Boot's
 * binder wrapped it, with the key, the value and a valid value.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidShutdownConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidShutdownConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidShutdownConfigurationException cause) {
		String description = "Invalid graceful shutdown configuration:%n%n    Property: %s%n    Value: \"%s\"%n    Reason: %s"
			.formatted(cause.getKey(), cause.getValue(), cause.getReason());
		String action = "Update your application's configuration: set '%s' to a valid value, for example %s."
			.formatted(cause.getKey(), cause.getValidValue());
		return new FailureAnalysis(description, action, cause);
	}

}
