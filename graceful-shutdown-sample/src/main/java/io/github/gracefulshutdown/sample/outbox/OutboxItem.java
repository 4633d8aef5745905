package io.github.gracefulshutdown.sample.outbox;

/**
 * An item waiting in the outbox.
 *
 * @param id the item id
 * @param payload what to deliver
 */
record OutboxItem(long id, String payload) {

}
