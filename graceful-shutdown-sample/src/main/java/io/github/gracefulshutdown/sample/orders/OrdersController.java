package io.github.gracefulshutdown.sample.orders;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Produces orders to Kafka and shows how many were processed.
 */
@ConditionalOnBooleanProperty(name = "sample.orders.enabled", matchIfMissing = true)
@RestController
class OrdersController {

	private static final int MAX_COUNT = 10_000;

	private final OrderRepository orders;

	private final KafkaTemplate<String, String> kafkaTemplate;

	private final String topic;

	OrdersController(OrderRepository orders, KafkaTemplate<String, String> kafkaTemplate, OrdersProperties properties) {
		this.orders = orders;
		this.kafkaTemplate = kafkaTemplate;
		this.topic = properties.topic();
	}

	/**
	 * Produce orders and answer once the broker has acknowledged all of them.
	 * @param count how many orders
	 * @return the ids of the orders
	 * @throws InterruptedException if interrupted while waiting for the broker
	 * @throws ExecutionException if the broker rejected an order
	 * @throws TimeoutException if the broker did not acknowledge every order in time
	 */
	@PostMapping("/orders")
	ProducedOrders produce(@RequestParam(defaultValue = "1") int count)
			throws InterruptedException, ExecutionException, TimeoutException {
		if (count < 1 || count > MAX_COUNT) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "count must be between 1 and " + MAX_COUNT);
		}
		List<String> ids = this.orders.nextOrderIds(count);
		CompletableFuture<?>[] sent = ids.stream()
			.map((id) -> this.kafkaTemplate.send(this.topic, id, id))
			.toArray(CompletableFuture[]::new);
		CompletableFuture.allOf(sent).get(30, TimeUnit.SECONDS);
		return new ProducedOrders(ids.size(), ids);
	}

	/**
	 * Return how many orders were attempted and processed so far.
	 * @return the counts
	 */
	@GetMapping("/orders/stats")
	OrderStats stats() {
		return this.orders.stats();
	}

	/**
	 * Orders produced by one request.
	 *
	 * @param count how many orders
	 * @param orderIds their ids
	 */
	record ProducedOrders(int count, List<String> orderIds) {

	}

}
