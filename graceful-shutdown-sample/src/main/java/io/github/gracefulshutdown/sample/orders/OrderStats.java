package io.github.gracefulshutdown.sample.orders;

/**
 * How many orders were attempted and processed. A {@code processed} count above
 * {@code distinctProcessed} means that some orders were processed twice.
 *
 * @param attempts processing attempts, including those that were cut
 * @param processed orders processed, counting repeats
 * @param distinctProcessed different orders processed
 */
record OrderStats(long attempts, long processed, long distinctProcessed) {

}
