package io.github.memcachedserver.internal;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import org.jspecify.annotations.Nullable;

/**
 * A store that lends the memory its values live in to the answers that send them, so that
 * a value leaves for the socket without being copied to the heap: the built-in store. The
 * server reads through it where it can ({@link StoreAccess#lending}), and through the handler SPI
 * otherwise. Each read does exactly what its SPI twin does to the item and its statistics.
 */
public interface LendingStore {

	/**
	 * Reads a key as {@code get} does (a hit counts as a use of the item).
	 * @param key the key
	 * @return the item with its value lent, or {@code null} on a miss
	 */
	@Nullable LentItem lend(Key key);

	/**
	 * Reads a key and sets its expiry, as {@code gat} does.
	 * @param key the key
	 * @param exptime the new exptime
	 * @return the item as found, its value lent, or {@code null} on a miss
	 */
	@Nullable LentItem lendTouched(Key key, long exptime);

	/**
	 * Carries out an {@code mg}, as {@link MemcachedCommandHandler#meta} does.
	 * @param command the {@code mg} command
	 * @return what it found, its value lent
	 */
	LentMetaResult lendMeta(MetaCommand command);

}
