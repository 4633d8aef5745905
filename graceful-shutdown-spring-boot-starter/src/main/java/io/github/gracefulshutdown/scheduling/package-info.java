/**
 * Scheduling integration: stops the triggers of task schedulers and waits for running
 * scheduled and asynchronous tasks during the graceful shutdown.
 */
@NullMarked
package io.github.gracefulshutdown.scheduling;

import org.jspecify.annotations.NullMarked;
