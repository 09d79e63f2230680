/**
 * The {@code memcached} actuator endpoint: the server's listeners, connections, statistics and
 * store, and its run-time management.
 */
@NullMarked
package io.github.memcachedserver.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
