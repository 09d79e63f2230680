/**
 * Micrometer instrumentation of the memcached server.
 */
@NullMarked
package io.github.memcachedserver.metrics;

import org.jspecify.annotations.NullMarked;
