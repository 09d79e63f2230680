package io.github.memcachedserver.handler;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A handler written in plain blocking style: methods return values, and may block (JDBC, JPA,
 * a blocking HTTP client). The server runs them off its event loops, on virtual threads where
 * the application enables them and on a bounded pool otherwise
 * ({@link MemcachedHandlers#offEventLoop}); the handler timeout still applies. The composite
 * commands ({@code add}, {@code cas}, {@code incr}...) get the defaults of
 * {@link MemcachedCommandHandler}, built from these methods; for atomic ones implement
 * {@link MemcachedCommandHandler} and mark it blocking instead.
 *
 * @since 0.1.0
 */
public interface BlockingMemcachedHandler {

	/**
	 * Reads an item.
	 * @param session the client connection
	 * @param key the key
	 * @return the item, or {@code null} on a miss
	 */
	@Nullable Item get(Session session, Key key);

	/**
	 * Reads several items at once (a multi-key get); a database answers it with one query.
	 * The default reads them one by one.
	 * @param session the client connection
	 * @param keys the keys, each once
	 * @return the items found, by key
	 */
	default Map<Key, Item> getAll(Session session, Collection<Key> keys) {
		Map<Key, Item> found = new HashMap<>();
		for (Key key : keys) {
			Item item = get(session, key);
			if (item != null) {
				found.put(key, item);
			}
		}
		return found;
	}

	/**
	 * Stores an item unconditionally.
	 * @param session the client connection
	 * @param key the key
	 * @param entry what to store
	 * @return {@link StoreResult#STORED}, or another result when the handler refuses
	 */
	StoreResult set(Session session, Key key, Entry entry);

	/**
	 * Deletes an item.
	 * @param session the client connection
	 * @param key the key
	 * @return whether there was one
	 */
	boolean delete(Session session, Key key);

}
