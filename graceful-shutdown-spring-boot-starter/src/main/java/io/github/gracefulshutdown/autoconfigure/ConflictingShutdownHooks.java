package io.github.gracefulshutdown.autoconfigure;

import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.PropertyResolver;

/**
 * Warns at startup about configuration that lets a library close a resource in its own
 * JVM shutdown hook. Such hooks run at SIGTERM, at the same time as the graceful shutdown
 * rather than after it, so the requests served during the propagation delay and the
 * drain, and the last records of the listeners, find the resource closed.
 */
final class ConflictingShutdownHooks {

	private static final Log logger = LogFactory.getLog(ConflictingShutdownHooks.class);

	private static final String DATASOURCE_URL = "spring.datasource.url";

	private ConflictingShutdownHooks() {
	}

	static void warnIfAny(PropertyResolver properties) {
		String url = properties.getProperty(DATASOURCE_URL);
		if (url != null && h2ClosesOnExit(url)) {
			logger.warn(DATASOURCE_URL + "=" + url + " lets H2 close the database in its own JVM shutdown hook at"
					+ " SIGTERM, while the graceful shutdown still serves requests and stops listeners, which then"
					+ " fail. Add ;DB_CLOSE_ON_EXIT=FALSE to the URL, so that the database is closed with the"
					+ " DataSource, after them");
		}
	}

	// H2 registers the hook in the JVM that runs the database: for every URL but those of
	// a server (tcp, ssl), unless DB_CLOSE_ON_EXIT is false
	private static boolean h2ClosesOnExit(String url) {
		String normalized = url.toUpperCase(Locale.ROOT).replace(" ", "");
		if (!normalized.startsWith("JDBC:H2:") || normalized.startsWith("JDBC:H2:TCP:")
				|| normalized.startsWith("JDBC:H2:SSL:")) {
			return false;
		}
		return !normalized.contains(";DB_CLOSE_ON_EXIT=FALSE");
	}

}
