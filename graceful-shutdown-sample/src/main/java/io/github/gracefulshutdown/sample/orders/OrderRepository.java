package io.github.gracefulshutdown.sample.orders;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Order ids, processing attempts and processed orders in the database. Each statement
 * commits on its own, so an attempt stays recorded when its processing is cut.
 */
@Repository
class OrderRepository {

	private final JdbcTemplate jdbc;

	OrderRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Allocate new order ids, unique for the database.
	 * @param count how many ids
	 * @return the ids, {@code order-<seq>}
	 */
	List<String> nextOrderIds(int count) {
		return this.jdbc.queryForList("SELECT NEXT VALUE FOR order_seq FROM SYSTEM_RANGE(1, ?)", Long.class, count)
			.stream()
			.map((seq) -> "order-" + seq)
			.toList();
	}

	void attemptStarted(String orderId) {
		this.jdbc.update("INSERT INTO order_attempt (order_id, started_at) VALUES (?, CURRENT_TIMESTAMP)", orderId);
	}

	void processed(String orderId) {
		this.jdbc.update("INSERT INTO processed_order (order_id, processed_at) VALUES (?, CURRENT_TIMESTAMP)", orderId);
	}

	OrderStats stats() {
		return this.jdbc.queryForObject("SELECT (SELECT COUNT(*) FROM order_attempt), "
				+ "(SELECT COUNT(*) FROM processed_order), (SELECT COUNT(DISTINCT order_id) FROM processed_order)",
				(rs, row) -> new OrderStats(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
	}

}
