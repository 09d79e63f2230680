package io.github.memcachedserver.internal;

import io.github.memcachedserver.handler.Key;
import org.jspecify.annotations.Nullable;

/**
 * A store that lends the memory its values live in to the answers that send them, so that
 * a value leaves for the socket without being copied to the heap: the built-in store. The
 * server reads through it where it can, and through the handler SPI otherwise.
 */
public interface LendingStore {

	/**
	 * Reads a key as {@code get} does (a hit counts as a use of the item).
	 * @param key the key
	 * @return the item with its value lent, or {@code null} on a miss
	 */
	@Nullable LentItem lend(Key key);

}
