/**
 * A Spring Boot application serving memcached, with a database table behind some keys.
 */
@NullMarked
package io.github.memcachedserver.sample;

import org.jspecify.annotations.NullMarked;
