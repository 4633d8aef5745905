package io.github.gracefulshutdown.sample;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * The H2 database of the sample's orders, read from the test JVM while no sample runs
 * (each open and close of the file database is one call).
 */
final class OrdersDatabase {

	private final Path dataDir;

	OrdersDatabase(Path dataDir) {
		this.dataDir = dataDir.toAbsolutePath();
	}

	/**
	 * Return the directory to pass to the sample as {@code sample.data-dir}.
	 * @return the data directory
	 */
	Path dataDir() {
		return this.dataDir;
	}

	/**
	 * Return how many times each order was processed.
	 * @return the number of {@code processed_order} rows by order id
	 * @throws SQLException if the database cannot be read
	 */
	Map<String, Integer> processedCounts() throws SQLException {
		return countsByOrder("processed_order");
	}

	/**
	 * Return how many times the processing of each order started.
	 * @return the number of {@code order_attempt} rows by order id
	 * @throws SQLException if the database cannot be read
	 */
	Map<String, Integer> attemptCounts() throws SQLException {
		return countsByOrder("order_attempt");
	}

	private Map<String, Integer> countsByOrder(String table) throws SQLException {
		Map<String, Integer> counts = new TreeMap<>();
		String url = "jdbc:h2:file:" + this.dataDir.resolve("orders") + ";DB_CLOSE_ON_EXIT=FALSE;IFEXISTS=TRUE";
		try (Connection connection = DriverManager.getConnection(url, "sa", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("SELECT order_id, COUNT(*) FROM " + table + " GROUP BY order_id")) {
			while (rows.next()) {
				counts.put(rows.getString(1), rows.getInt(2));
			}
		}
		return counts;
	}

}
