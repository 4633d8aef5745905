/**
 * Sample web application using the graceful shutdown starter.
 */
@NullMarked
package io.github.gracefulshutdown.sample;

import org.jspecify.annotations.NullMarked;
