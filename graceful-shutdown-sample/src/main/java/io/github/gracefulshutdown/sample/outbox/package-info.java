/**
 * A hand-written outbox worker that takes part in the graceful shutdown through the
 * starter's shutdown signal and participant SPI.
 */
@NullMarked
package io.github.gracefulshutdown.sample.outbox;

import org.jspecify.annotations.NullMarked;
