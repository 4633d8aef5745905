package io.github.gracefulshutdown.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.PropertyResolver;

/**
 * Warns when a part of the graceful shutdown runs although the property that switches it
 * says off. That happens in an application processed ahead of time (Spring AOT): its
 * conditions are evaluated when it is built, so a switch such as
 * {@code graceful-shutdown.enabled=false} set only at run time has no effect. Without AOT
 * a part's condition sees the same configuration as the part itself, and the check never
 * fires. Each part calls it once, when it is configured.
 *
 * @since 0.1.0
 */
public final class BuildTimeSwitches {

	private static final Log logger = LogFactory.getLog(BuildTimeSwitches.class);

	private BuildTimeSwitches() {
	}

	/**
	 * Log a warning if the given property is set to another value than the one the part's
	 * condition requires, compared as that condition does (ignoring case; a missing
	 * property matches).
	 * @param properties the run-time properties
	 * @param name the name of the property
	 * @param requiredValue the value the part's condition requires
	 * @param part what the part does, for the message
	 */
	public static void warnIfSwitchedOff(PropertyResolver properties, String name, String requiredValue, String part) {
		String value = properties.getProperty(name);
		if (value != null && !requiredValue.equalsIgnoreCase(value)) {
			logger.warn(name + "=" + value + " has no effect: the application was processed ahead of time"
					+ " (Spring AOT) without this setting, and AOT evaluates conditions when the application is"
					+ " built, so " + part + " stays on. Set " + name + "=" + value
					+ " when building the application (Spring Boot's process-aot), or start it without"
					+ " -Dspring.aot.enabled=true");
		}
	}

	/**
	 * Log a warning if the graceful shutdown is off although the run-time properties do
	 * not switch it off: the application was processed ahead of time with
	 * {@code graceful-shutdown.enabled=false}.
	 * @param properties the run-time properties
	 */
	static void warnIfSwitchedOffAtBuildTime(PropertyResolver properties) {
		String value = properties.getProperty("graceful-shutdown.enabled");
		if (!"false".equalsIgnoreCase(value)) {
			logger.warn("The graceful shutdown is off: the application was processed ahead of time (Spring AOT)"
					+ " with graceful-shutdown.enabled=false, and AOT evaluates conditions when the application is"
					+ " built, so " + ((value != null) ? "graceful-shutdown.enabled=" + value : "the default")
					+ " has no effect. Build the application without graceful-shutdown.enabled=false, or start it"
					+ " without -Dspring.aot.enabled=true");
		}
	}

}
