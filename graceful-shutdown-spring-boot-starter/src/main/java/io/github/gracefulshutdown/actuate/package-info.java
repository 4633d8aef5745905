/**
 * Actuator endpoint that shows the graceful shutdown's configuration, budget and live
 * state.
 */
@NullMarked
package io.github.gracefulshutdown.actuate;

import org.jspecify.annotations.NullMarked;
