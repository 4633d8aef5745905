package io.github.gracefulshutdown.sample.outbox;

/**
 * Counts of the outbox.
 *
 * @param items the items added
 * @param done the items marked done
 * @param deliveries the deliveries made, more than {@code done} if an item was delivered
 * twice
 */
record OutboxStats(long items, long done, long deliveries) {

}
