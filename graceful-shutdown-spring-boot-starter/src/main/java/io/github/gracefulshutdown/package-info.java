/**
 * Core of the graceful shutdown starter: phase constants, the shutdown coordinator and
 * the listener SPI through which phases report their timing.
 */
@NullMarked
package io.github.gracefulshutdown;

import org.jspecify.annotations.NullMarked;
