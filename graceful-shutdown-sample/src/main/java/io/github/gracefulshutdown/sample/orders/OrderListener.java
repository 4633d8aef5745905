package io.github.gracefulshutdown.sample.orders;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Processes the orders: records the attempt, works for
 * {@code sample.orders.processing-time}, then records the order as processed. An order
 * whose processing is interrupted fails, so its offset is not committed and it is
 * processed again by the next owner of its partition.
 */
@ConditionalOnBooleanProperty(name = "sample.orders.enabled", matchIfMissing = true)
@Component
class OrderListener {

	private final OrderRepository orders;

	private final Duration processingTime;

	OrderListener(OrderRepository orders, OrdersProperties properties) {
		this.orders = orders;
		this.processingTime = properties.processingTime();
	}

	@KafkaListener(id = "orders-processor", topics = "${sample.orders.topic:orders}", groupId = "orders-processor")
	void process(ConsumerRecord<String, String> order) throws InterruptedException {
		String orderId = order.value();
		this.orders.attemptStarted(orderId);
		// The work; an interrupt (graceful-shutdown.kafka.on-timeout=interrupt) ends it
		// with an exception, so that the order is not acknowledged
		Thread.sleep(this.processingTime.toMillis());
		this.orders.processed(orderId);
	}

}
