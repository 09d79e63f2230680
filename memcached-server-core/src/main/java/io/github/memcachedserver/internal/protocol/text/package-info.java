/**
 * The memcached text and meta protocol: request decoding and response encoding.
 */
@NullMarked
package io.github.memcachedserver.internal.protocol.text;

import org.jspecify.annotations.NullMarked;
