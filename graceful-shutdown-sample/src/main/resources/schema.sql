-- No unique constraints on purpose: an order processed twice shows as two rows
CREATE TABLE IF NOT EXISTS order_attempt (
	order_id VARCHAR(64) NOT NULL,
	started_at TIMESTAMP(3) NOT NULL
);
CREATE TABLE IF NOT EXISTS processed_order (
	order_id VARCHAR(64) NOT NULL,
	processed_at TIMESTAMP(3) NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS order_seq;
