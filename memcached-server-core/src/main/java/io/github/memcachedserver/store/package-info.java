/**
 * The built-in store, a complete memcached in a concurrent hash table.
 */
@NullMarked
package io.github.memcachedserver.store;

import org.jspecify.annotations.NullMarked;
