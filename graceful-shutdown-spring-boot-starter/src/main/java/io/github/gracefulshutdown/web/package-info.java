/**
 * Web integration: in-flight request tracking, {@code Connection: close} during the
 * shutdown, the end of long-lived requests (event streams, long polls, WebSocket
 * sessions) and the timing of Spring Boot's web server drain.
 */
@NullMarked
package io.github.gracefulshutdown.web;

import org.jspecify.annotations.NullMarked;
