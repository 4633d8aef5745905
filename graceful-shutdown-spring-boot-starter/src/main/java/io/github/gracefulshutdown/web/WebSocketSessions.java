package io.github.gracefulshutdown.web;

/**
 * The open WebSocket sessions, which {@link LongLivedConnections} closes when the HTTP
 * drain starts. Free of WebSocket types, so that the starter works without
 * spring-websocket.
 */
@FunctionalInterface
interface WebSocketSessions {

	/**
	 * Close every open session with status 1001 (going away).
	 * @return the number of sessions closed
	 */
	int closeAll();

}
