package io.github.memcachedserver.server;

/**
 * The server settings that {@code stats} and {@code version} report.
 *
 * @param version the version answered to {@code version}
 * @param maxConnections the connection limit
 * @param threads the event-loop threads
 * @param maxItemSize the largest item accepted
 * @param idleTimeoutSeconds seconds of inactivity before a connection is closed, 0 for never
 * @param authentication whether connections must authenticate
 * @param flushEnabled whether clients may {@code flush_all}
 */
record ServerSettings(String version, int maxConnections, int threads, int maxItemSize, long idleTimeoutSeconds,
		boolean authentication, boolean flushEnabled) {
}
