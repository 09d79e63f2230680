package io.github.memcachedserver.internal;

import io.netty.buffer.ByteBuf;

/**
 * An item whose value is a view of the store's memory, kept from being freed or reused
 * until the view is released: the answer that writes it takes it over, and whoever drops
 * the item unwritten must release it.
 *
 * @param value the value (one reference, the holder's)
 * @param flags the client flags
 * @param cas the CAS unique
 */
public record LentItem(ByteBuf value, int flags, long cas) {
}
