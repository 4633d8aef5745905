package io.github.gracefulshutdown.sample.orders;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Logs the progress of the orders periodically, a {@code @Scheduled} task that the
 * shutdown's {@code scheduling} phase lets finish.
 */
@Component
class OrderProgressLogger {

	private static final Log logger = LogFactory.getLog(OrderProgressLogger.class);

	private final OrderRepository orders;

	OrderProgressLogger(OrderRepository orders) {
		this.orders = orders;
	}

	@Scheduled(fixedRateString = "${sample.orders.progress-interval:5s}",
			initialDelayString = "${sample.orders.progress-interval:5s}")
	void logProgress() {
		OrderStats stats = this.orders.stats();
		logger.info("Processed " + stats.distinctProcessed() + " orders so far (" + stats.processed() + " processings, "
				+ stats.attempts() + " attempts)");
	}

}
