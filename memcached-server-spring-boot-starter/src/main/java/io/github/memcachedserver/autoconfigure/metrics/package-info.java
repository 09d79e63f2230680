/**
 * Auto-configuration of the memcached server's Micrometer meters.
 */
@NullMarked
package io.github.memcachedserver.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
