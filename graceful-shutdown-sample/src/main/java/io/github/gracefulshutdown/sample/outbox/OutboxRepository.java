package io.github.gracefulshutdown.sample.outbox;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The outbox table and the record of deliveries. Each statement commits on its own: a
 * delivery stays recorded when the worker is cut before it marks the item done.
 */
@Repository
class OutboxRepository {

	private final JdbcTemplate jdbc;

	OutboxRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	void add(List<String> payloads) {
		this.jdbc.batchUpdate("INSERT INTO outbox_item (payload) VALUES (?)",
				payloads.stream().map((payload) -> new Object[] { payload }).toList());
	}

	Optional<OutboxItem> nextPending() {
		return this.jdbc
			.query("SELECT id, payload FROM outbox_item WHERE done = FALSE ORDER BY id LIMIT 1",
					(rs, row) -> new OutboxItem(rs.getLong(1), rs.getString(2)))
			.stream()
			.findFirst();
	}

	void delivered(OutboxItem item) {
		this.jdbc.update("INSERT INTO outbox_delivery (item_id, delivered_at) VALUES (?, CURRENT_TIMESTAMP)",
				item.id());
	}

	void markDone(OutboxItem item) {
		this.jdbc.update("UPDATE outbox_item SET done = TRUE WHERE id = ?", item.id());
	}

	OutboxStats stats() {
		return this.jdbc.queryForObject(
				"SELECT (SELECT COUNT(*) FROM outbox_item), (SELECT COUNT(*) FROM outbox_item WHERE done), "
						+ "(SELECT COUNT(*) FROM outbox_delivery)",
				(rs, row) -> new OutboxStats(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
	}

}
