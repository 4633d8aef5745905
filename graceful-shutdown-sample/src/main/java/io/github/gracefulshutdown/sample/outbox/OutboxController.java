package io.github.gracefulshutdown.sample.outbox;

import java.util.List;
import java.util.stream.IntStream;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Adds items to the outbox and reports its progress.
 */
@RestController
@ConditionalOnBooleanProperty(name = "sample.outbox.enabled", matchIfMissing = true)
class OutboxController {

	private final OutboxRepository outbox;

	OutboxController(OutboxRepository outbox) {
		this.outbox = outbox;
	}

	/**
	 * Add items to the outbox.
	 * @param count how many
	 * @return the outbox counts
	 */
	@PostMapping("/outbox")
	OutboxStats add(@RequestParam(defaultValue = "10") int count) {
		List<String> payloads = IntStream.range(0, count).mapToObj((i) -> "item-" + i).toList();
		this.outbox.add(payloads);
		return this.outbox.stats();
	}

	/**
	 * Return the outbox counts.
	 * @return the counts
	 */
	@GetMapping("/outbox/stats")
	OutboxStats stats() {
		return this.outbox.stats();
	}

}
