package io.github.memcachedserver.internal;

import java.util.Collection;
import java.util.function.Function;

import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import org.jspecify.annotations.Nullable;

/**
 * Where a store that lends its values registers how the server reaches its
 * {@link LendingStore}, which it keeps private: an internal accessor, so that lending
 * stays out of the public store's API. A store registers when its class is initialized,
 * so before any of its instances can be handed to a server.
 */
public final class Lenders {

	private static volatile Function<MemcachedCommandHandler, @Nullable LendingStore> lookup = (handler) -> null;

	private Lenders() {
	}

	/**
	 * Registers how to find the lending side of a handler.
	 * @param lookup returns a handler's lending side, or {@code null} when it has none
	 */
	public static synchronized void register(Function<MemcachedCommandHandler, @Nullable LendingStore> lookup) {
		Function<MemcachedCommandHandler, @Nullable LendingStore> before = Lenders.lookup;
		Lenders.lookup = (handler) -> {
			LendingStore found = lookup.apply(handler);
			return (found != null) ? found : before.apply(handler);
		};
	}

	/**
	 * Finds the lending side of a handler.
	 * @param handler the server's handler
	 * @return the store it lends through, or {@code null} when it lends nothing
	 */
	public static @Nullable LendingStore of(MemcachedCommandHandler handler) {
		return lookup.apply(handler);
	}

	/**
	 * Finds the lending side of the store that serves a key: behind a
	 * {@link PrefixRoutingHandler} (several {@code @MemcachedHandler} beans, the built-in
	 * store for the other keys), that of the key's route.
	 * @param handler the server's handler
	 * @param key the key
	 * @return the store it lends through, or {@code null} when the key's handler lends nothing
	 */
	public static @Nullable LendingStore of(MemcachedCommandHandler handler, Key key) {
		return of((handler instanceof PrefixRoutingHandler router) ? router.handlerFor(key) : handler);
	}

	/**
	 * Finds the one lending store that serves all of some keys.
	 * @param handler the server's handler
	 * @param keys the keys
	 * @return the store, or {@code null} when a key's handler lends nothing or the keys'
	 * handlers differ
	 */
	public static @Nullable LendingStore of(MemcachedCommandHandler handler, Collection<Key> keys) {
		if (!(handler instanceof PrefixRoutingHandler)) {
			return of(handler);
		}
		LendingStore common = null;
		for (Key key : keys) {
			LendingStore store = of(handler, key);
			if (store == null || (common != null && store != common)) {
				return null;
			}
			common = store;
		}
		return common;
	}

}
