/**
 * The built-in store, a complete memcached in a ConcurrentHashMap.
 */
@NullMarked
package io.github.memcachedserver.store;

import org.jspecify.annotations.NullMarked;
