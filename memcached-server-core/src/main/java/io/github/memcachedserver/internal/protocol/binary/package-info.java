/**
 * The memcached binary protocol: request framing and response packets.
 */
@NullMarked
package io.github.memcachedserver.internal.protocol.binary;

import org.jspecify.annotations.NullMarked;
