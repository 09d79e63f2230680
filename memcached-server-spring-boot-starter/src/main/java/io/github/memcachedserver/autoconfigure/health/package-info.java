/**
 * Auto-configuration of the memcached server's health contributor.
 */
@NullMarked
package io.github.memcachedserver.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
