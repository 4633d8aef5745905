/**
 * Orders flow of the sample: an endpoint produces orders to Kafka, a listener processes
 * them into an H2 database, so that lost or duplicated orders across shutdowns show.
 */
@NullMarked
package io.github.gracefulshutdown.sample.orders;

import org.jspecify.annotations.NullMarked;
