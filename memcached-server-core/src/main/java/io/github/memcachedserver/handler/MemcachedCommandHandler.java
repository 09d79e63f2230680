package io.github.memcachedserver.handler;

import java.util.Collection;
import java.util.Map;

import io.github.memcachedserver.command.MetaCommand;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The full handler contract: what a memcached endpoint does with each command. Every
 * method returns a {@link Mono}; an empty one means a miss or "not found". A failing
 * {@code Mono} answers {@code SERVER_ERROR} ({@link CommandFailedException}, connection kept;
 * {@link ConnectionAbortedException}, connection closed) or {@code CLIENT_ERROR}
 * ({@link ClientErrorException}).
 * <p>
 * Only {@link #get}, {@link #set} and {@link #delete} are required; a backend that can read
 * many keys in one round trip should also implement {@link #getAll}. The composite commands
 * have defaults built from them (read, then write); those are correct for one client at a
 * time but not atomic, so a handler whose backend can do better (a conditional update, a
 * version column) should override them. The built-in store overrides all of them atomically.
 *
 * @since 0.1.0
 */
public interface MemcachedCommandHandler {

	/** The message of {@code CLIENT_ERROR} for arithmetic on a value that is not a number. */
	String NON_NUMERIC_VALUE = "cannot increment or decrement non-numeric value";

	/**
	 * Reads an item ({@code get}, {@code gets}).
	 * @param session the client connection
	 * @param key the key
	 * @return the item, or empty on a miss
	 */
	Mono<Item> get(Session session, Key key);

	/**
	 * Reads several items at once: a multi-key {@code get}/{@code gets} reaches the handler as
	 * one call, so a database can answer it with one query ({@code WHERE id IN (...)}). The
	 * default runs {@link #get} for every key concurrently.
	 * @param session the client connection
	 * @param keys the keys, each once, in request order
	 * @return the items found by key (keys without an item are left out); an error fails
	 * the whole command, as in memcached
	 */
	default Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
		return Flux.fromIterable(keys)
			.flatMap((key) -> get(session, key).map((item) -> Map.entry(key, item)), Math.max(1, keys.size()))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

	/**
	 * Tells whether a key has an item (the Perl original's {@code _find}); the defaults of
	 * {@link #add} and {@link #replace} ask it. Override it where existence is cheaper than a
	 * read; the default reads the item.
	 * @param session the client connection
	 * @param key the key
	 * @return whether the key has an item
	 */
	default Mono<Boolean> exists(Session session, Key key) {
		return get(session, key).hasElement();
	}

	/**
	 * Stores an item unconditionally ({@code set}).
	 * @param session the client connection
	 * @param key the key
	 * @param entry what to store
	 * @return {@link StoreResult#STORED}, or another result when the handler refuses
	 */
	Mono<StoreResult> set(Session session, Key key, Entry entry);

	/**
	 * Deletes an item ({@code delete}).
	 * @param session the client connection
	 * @param key the key
	 * @return {@code true} when an item was deleted, {@code false} or empty when there was none
	 */
	Mono<Boolean> delete(Session session, Key key);

	/**
	 * Stores an item only when the key has none ({@code add}).
	 * @param session the client connection
	 * @param key the key
	 * @param entry what to store
	 * @return {@code STORED} or {@code NOT_STORED}
	 */
	default Mono<StoreResult> add(Session session, Key key, Entry entry) {
		return exists(session, key)
			.flatMap((found) -> found ? Mono.just(StoreResult.NOT_STORED) : set(session, key, entry));
	}

	/**
	 * Stores an item only when the key has one ({@code replace}).
	 * @param session the client connection
	 * @param key the key
	 * @param entry what to store
	 * @return {@code STORED} or {@code NOT_STORED}
	 */
	default Mono<StoreResult> replace(Session session, Key key, Entry entry) {
		return exists(session, key)
			.flatMap((found) -> found ? set(session, key, entry) : Mono.just(StoreResult.NOT_STORED));
	}

	/**
	 * Adds data after an existing item's value, keeping its flags ({@code append}). The
	 * default cannot see the item's expiry and stores the result without one.
	 * @param session the client connection
	 * @param key the key
	 * @param data the bytes to add
	 * @return {@code STORED} or {@code NOT_STORED}
	 */
	default Mono<StoreResult> append(Session session, Key key, byte[] data) {
		return get(session, key)
			.flatMap((existing) -> set(session, key, new Entry(concat(existing.value(), data), existing.flags(), 0)))
			.defaultIfEmpty(StoreResult.NOT_STORED);
	}

	/**
	 * Adds data before an existing item's value, keeping its flags ({@code prepend}). The
	 * default cannot see the item's expiry and stores the result without one.
	 * @param session the client connection
	 * @param key the key
	 * @param data the bytes to add
	 * @return {@code STORED} or {@code NOT_STORED}
	 */
	default Mono<StoreResult> prepend(Session session, Key key, byte[] data) {
		return get(session, key)
			.flatMap((existing) -> set(session, key, new Entry(concat(data, existing.value()), existing.flags(), 0)))
			.defaultIfEmpty(StoreResult.NOT_STORED);
	}

	/**
	 * Stores an item only when its CAS unique still equals the one given ({@code cas}).
	 * @param session the client connection
	 * @param key the key
	 * @param entry what to store
	 * @param cas the CAS unique the client read
	 * @return {@code STORED}, {@code EXISTS} (changed since) or {@code NOT_FOUND}
	 */
	default Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
		return get(session, key)
			.flatMap((existing) -> (existing.cas() == cas) ? set(session, key, entry) : Mono.just(StoreResult.EXISTS))
			.defaultIfEmpty(StoreResult.NOT_FOUND);
	}

	/**
	 * Adds to a decimal value ({@code incr}); the value is an unsigned 64-bit number that wraps
	 * around.
	 * @param session the client connection
	 * @param key the key
	 * @param delta the unsigned amount to add
	 * @return the new value (unsigned), or empty when the key has no item
	 */
	default Mono<Long> increment(Session session, Key key, long delta) {
		return arithmetic(session, key, delta, true);
	}

	/**
	 * Subtracts from a decimal value ({@code decr}); the result never goes below 0.
	 * @param session the client connection
	 * @param key the key
	 * @param delta the unsigned amount to subtract
	 * @return the new value (unsigned), or empty when the key has no item
	 */
	default Mono<Long> decrement(Session session, Key key, long delta) {
		return arithmetic(session, key, delta, false);
	}

	/**
	 * Changes an item's expiration time ({@code touch}).
	 * @param session the client connection
	 * @param key the key
	 * @param exptime the new expiration time in memcached's encoding
	 * @return {@code true} when the item exists
	 */
	default Mono<Boolean> touch(Session session, Key key, long exptime) {
		return get(session, key)
			.flatMap((existing) -> set(session, key, new Entry(existing.value(), existing.flags(), exptime)))
			.map(StoreResult::isStored)
			.defaultIfEmpty(false);
	}

	/**
	 * Reads an item and changes its expiration time ({@code gat}, {@code gats}).
	 * @param session the client connection
	 * @param key the key
	 * @param exptime the new expiration time in memcached's encoding
	 * @return the item as it is after the touch, or empty on a miss
	 */
	default Mono<Item> getAndTouch(Session session, Key key, long exptime) {
		return touch(session, key, exptime).filter(Boolean::booleanValue).flatMap((touched) -> get(session, key));
	}

	/**
	 * Invalidates every item, now or after a delay ({@code flush_all}).
	 * @param session the client connection
	 * @param delaySeconds seconds to wait before the flush, 0 for now
	 * @return completion, or an error when the handler cannot flush
	 */
	default Mono<Void> flushAll(Session session, long delaySeconds) {
		return Mono.error(new UnsupportedCommandException("flush_all"));
	}

	/**
	 * Carries out a meta command ({@code mg}, {@code ms}, {@code md}, {@code ma},
	 * {@code me}). The default serves it from the methods above, without what needs item
	 * metadata this contract does not carry (TTLs, access times, recache leases, stale
	 * items); the built-in store implements all of it.
	 * @param session the client connection
	 * @param command the meta command, its key already decoded
	 * @return what the command found or did
	 */
	default Mono<MetaResult> meta(Session session, MetaCommand command) {
		return MetaFallback.execute(this, session, command);
	}

	/**
	 * Returns the store figures this handler can report to {@code stats}, if any.
	 * @return the statistics, or {@code null} when the handler keeps none
	 */
	default @Nullable StoreStatistics storeStatistics() {
		return null;
	}

	/**
	 * Called when a client connects, before its first command (the Perl original's
	 * {@code _begin}).
	 * @param session the new connection
	 */
	default void connectionOpened(Session session) {
	}

	/**
	 * Called once when a client's connection has closed (the Perl original's {@code _end}).
	 * @param session the closed connection
	 */
	default void connectionClosed(Session session) {
	}

	private Mono<Long> arithmetic(Session session, Key key, long delta, boolean increment) {
		return get(session, key).flatMap((existing) -> {
			long value = Arithmetic.apply(existing.value(), delta, increment);
			byte[] digits = Arithmetic.format(value, existing.value().length);
			return cas(session, key, new Entry(digits, existing.flags(), 0), existing.cas()).flatMap((result) -> switch (result.status()) {
				case STORED -> Mono.just(value);
				case NOT_FOUND -> Mono.empty();
				default -> Mono.error(new CommandFailedException("item changed during " + (increment ? "incr" : "decr")));
			});
		});
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] joined = new byte[first.length + second.length];
		System.arraycopy(first, 0, joined, 0, first.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

}
