package io.github.gracefulshutdown.sample.outbox;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.gracefulshutdown.ShutdownParticipant;
import io.github.gracefulshutdown.ShutdownRequest;
import io.github.gracefulshutdown.ShutdownSignal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A hand-written worker that delivers outbox items one at a time, the pattern of Go's
 * worker loop with a cancellable context: it checks the {@link ShutdownSignal} on every
 * iteration, stops taking new items once the shutdown is requested, finishes the item in
 * hand, and marks an item done only after it has been delivered. As a
 * {@link ShutdownParticipant} (phase {@code outbox}) it makes the shutdown wait for that
 * last item before the database is closed.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.outbox.enabled", matchIfMissing = true)
class OutboxWorker implements ShutdownParticipant {

	private static final Log logger = LogFactory.getLog(OutboxWorker.class);

	private final OutboxRepository outbox;

	private final ShutdownSignal shutdownSignal;

	private final Duration deliveryTime;

	private final Duration pollInterval;

	private final CompletableFuture<Void> stopped = new CompletableFuture<>();

	private volatile @Nullable Thread thread;

	OutboxWorker(OutboxRepository outbox, ShutdownSignal shutdownSignal,
			@Value("${sample.outbox.delivery-time:40ms}") Duration deliveryTime,
			@Value("${sample.outbox.poll-interval:500ms}") Duration pollInterval) {
		this.outbox = outbox;
		this.shutdownSignal = shutdownSignal;
		this.deliveryTime = deliveryTime;
		this.pollInterval = pollInterval;
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		Thread thread = new Thread(this::run, "outbox-worker");
		this.thread = thread;
		thread.start();
	}

	private void run() {
		int delivered = 0;
		try {
			while (!this.shutdownSignal.isShutdownRequested()) {
				try {
					Optional<OutboxItem> item = this.outbox.nextPending();
					if (item.isPresent()) {
						deliver(item.get());
						// Only after success: a cut before this line delivers the
						// item again
						this.outbox.markDone(item.get());
						delivered++;
					}
					else {
						this.shutdownSignal.await(this.pollInterval);
					}
				}
				catch (RuntimeException ex) {
					// The item stays pending and is tried again; the worker goes on
					logger.warn("Outbox delivery failed, trying again in " + this.pollInterval.toMillis() + " ms", ex);
					this.shutdownSignal.await(this.pollInterval);
				}
			}
			logger.info("Outbox worker stopped after delivering " + delivered + " item(s)");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.stopped.complete(null);
		}
	}

	private void deliver(OutboxItem item) throws InterruptedException {
		this.outbox.delivered(item);
		// Stands for the call to the other system
		Thread.sleep(this.deliveryTime.toMillis());
	}

	@Override
	public String getPhase() {
		return "outbox";
	}

	@Override
	public void stop(ShutdownRequest request) {
		if (this.thread == null) {
			request.skipped();
			return;
		}
		this.stopped.whenComplete((result, ex) -> request.completed());
	}

	@Override
	public Collection<Thread> getThreads() {
		Thread thread = this.thread;
		return (thread != null && thread.isAlive()) ? List.of(thread) : List.of();
	}

}
