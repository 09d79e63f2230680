package io.github.memcachedserver.internal;

import io.github.memcachedserver.handler.Item;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * An item whose value is a buffer that an answer takes over: from the built-in store, a
 * view of the store's memory, kept from being freed or reused until the view is released
 * (a value of at most {@link #LARGEST_COPIED_VALUE} bytes comes as a copy in a pooled
 * heap buffer instead). The answer that writes it releases it, and whoever drops the item
 * unwritten must.
 *
 * @param value the value (one reference, the holder's)
 * @param flags the client flags
 * @param cas the CAS unique
 */
public record LentItem(ByteBuf value, int flags, long cas) {

	/**
	 * Values up to this size are copied rather than lent: the answer copies them into its
	 * head's buffer anyway, and a loan (views of the page, a reference on the item's memory,
	 * its release) leaves more garbage than the copy.
	 */
	public static final int LARGEST_COPIED_VALUE = 1024;

	/**
	 * Wraps an item a handler returned, whose value is on the heap, without copying it.
	 * @param item the item
	 * @return the item, its value wrapped
	 */
	public static LentItem of(Item item) {
		return new LentItem(Unpooled.wrappedBuffer(item.value()), item.flags(), item.cas());
	}

}
