/**
 * Test support: {@link io.github.memcachedserver.test.MemcachedTestClient}, a memcached client
 * for tests that want to see the exact answers of a server.
 */
@NullMarked
package io.github.memcachedserver.test;

import org.jspecify.annotations.NullMarked;
