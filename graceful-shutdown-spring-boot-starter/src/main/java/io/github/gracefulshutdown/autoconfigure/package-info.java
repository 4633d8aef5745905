/**
 * Auto-configuration of the graceful shutdown starter, its properties and the analysis of
 * invalid configuration.
 */
@NullMarked
package io.github.gracefulshutdown.autoconfigure;

import org.jspecify.annotations.NullMarked;
