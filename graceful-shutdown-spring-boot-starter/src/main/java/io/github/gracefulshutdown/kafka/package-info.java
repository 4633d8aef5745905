/**
 * Kafka integration: listener containers stop after the propagation delay, in parallel
 * with the HTTP drain, as phase {@code kafka}.
 */
@NullMarked
package io.github.gracefulshutdown.kafka;

import org.jspecify.annotations.NullMarked;
