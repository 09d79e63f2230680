/**
 * Protocol selection: which decoder a connection gets, from its first byte. Everything under
 * {@code internal} is the server's own machinery (the wire codecs), not its API: it may change
 * in any release.
 */
@NullMarked
package io.github.memcachedserver.internal.protocol;

import org.jspecify.annotations.NullMarked;
