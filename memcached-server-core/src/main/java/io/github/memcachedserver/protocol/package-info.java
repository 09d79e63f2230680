/**
 * Protocol selection: which decoder a connection gets, from its first byte.
 */
@NullMarked
package io.github.memcachedserver.protocol;

import org.jspecify.annotations.NullMarked;
