/**
 * The server's own machinery, not its API: the key hash here, the wire codecs below. Types
 * under {@code internal} may change in any release.
 */
@NullMarked
package io.github.memcachedserver.internal;

import org.jspecify.annotations.NullMarked;
