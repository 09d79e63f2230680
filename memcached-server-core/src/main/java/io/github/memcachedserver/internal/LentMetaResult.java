package io.github.memcachedserver.internal;

import io.github.memcachedserver.handler.MetaResult;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * What an {@code mg} found in the built-in store, its value lent rather than copied: the
 * result carries everything but the value, which is a view of the store's memory that the
 * answer takes over (see {@link LentItem}).
 *
 * @param result the result, without its value
 * @param value the item's value (one reference, the holder's), {@code null} on a miss
 */
public record LentMetaResult(MetaResult result, @Nullable ByteBuf value) {

	/** A miss: nothing lent. */
	public static final LentMetaResult MISS = new LentMetaResult(MetaResult.of(MetaResult.Status.MISS), null);

}
