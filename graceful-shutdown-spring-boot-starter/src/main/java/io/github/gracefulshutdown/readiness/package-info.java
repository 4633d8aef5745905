/**
 * Readiness during shutdown: the propagation delay and the guard against a late
 * {@code ACCEPTING_TRAFFIC}.
 */
@NullMarked
package io.github.gracefulshutdown.readiness;

import org.jspecify.annotations.NullMarked;
