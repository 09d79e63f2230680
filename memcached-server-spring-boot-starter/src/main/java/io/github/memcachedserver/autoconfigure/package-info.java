/**
 * Spring Boot auto-configuration of a memcached endpoint and the @MemcachedHandler annotation.
 */
@NullMarked
package io.github.memcachedserver.autoconfigure;

import org.jspecify.annotations.NullMarked;
