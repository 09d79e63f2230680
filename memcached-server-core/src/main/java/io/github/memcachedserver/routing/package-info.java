/**
 * Routing of keys to handlers by prefix.
 */
@NullMarked
package io.github.memcachedserver.routing;

import org.jspecify.annotations.NullMarked;
