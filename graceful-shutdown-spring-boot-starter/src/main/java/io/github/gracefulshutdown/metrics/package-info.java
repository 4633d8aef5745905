/**
 * Micrometer integration: the {@code shutdown.phase.duration} timer.
 */
@NullMarked
package io.github.gracefulshutdown.metrics;

import org.jspecify.annotations.NullMarked;
