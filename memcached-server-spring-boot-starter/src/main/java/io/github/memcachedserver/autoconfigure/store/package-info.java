/**
 * Auto-configuration of the stores other than the built-in one
 * ({@code memcached.server.store.type}).
 */
@NullMarked
package io.github.memcachedserver.autoconfigure.store;

import org.jspecify.annotations.NullMarked;
