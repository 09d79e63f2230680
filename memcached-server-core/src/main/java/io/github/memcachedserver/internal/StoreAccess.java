package io.github.memcachedserver.internal;

import java.util.Collection;
import java.util.function.Function;

import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import org.jspecify.annotations.Nullable;

/**
 * How the server reaches the built-in store's own machinery (the side that lends values to
 * answers, the side values arrive in) without the store's public class showing an internal
 * type: the store registers, when its class is loaded, how to find the machinery of one of its
 * instances, as the JDK's own "shared secrets" do. A handler that is not the built-in store has
 * none; behind a {@link PrefixRoutingHandler} (several {@code @MemcachedHandler} beans, the
 * built-in store for the other keys) a key has its route's.
 */
public final class StoreAccess {

	private static volatile Function<MemcachedCommandHandler, @Nullable LendingStore> lending = (handler) -> null;

	private static volatile Function<MemcachedCommandHandler, @Nullable ReceivingStore> receiving = (handler) -> null;

	private StoreAccess() {
	}

	/**
	 * Registers how to find the sides of a store; called by the built-in store.
	 * @param lendingSide a store's lending side, or {@code null} for another handler
	 * @param receivingSide a store's receiving side, or {@code null} for another handler
	 */
	public static void register(Function<MemcachedCommandHandler, @Nullable LendingStore> lendingSide,
			Function<MemcachedCommandHandler, @Nullable ReceivingStore> receivingSide) {
		lending = lendingSide;
		receiving = receivingSide;
	}

	/**
	 * Returns the side through which a handler lends its values.
	 * @param handler the server's handler
	 * @return the built-in store's lending side, or {@code null} for any other handler
	 */
	public static @Nullable LendingStore lending(MemcachedCommandHandler handler) {
		return lending.apply(handler);
	}

	/**
	 * Returns the side through which the store serving a key lends its values.
	 * @param handler the server's handler
	 * @param key the key
	 * @return the lending side, or {@code null} when the key's handler lends nothing
	 */
	public static @Nullable LendingStore lending(MemcachedCommandHandler handler, Key key) {
		return lending(serving(handler, key));
	}

	/**
	 * Returns the one lending side that serves all of some keys.
	 * @param handler the server's handler
	 * @param keys the keys
	 * @return the lending side, or {@code null} when a key's handler lends nothing or the keys'
	 * handlers differ (the router then splits the read)
	 */
	public static @Nullable LendingStore lending(MemcachedCommandHandler handler, Collection<Key> keys) {
		if (!(handler instanceof PrefixRoutingHandler)) {
			return lending(handler);
		}
		LendingStore common = null;
		for (Key key : keys) {
			LendingStore store = lending(handler, key);
			if (store == null || (common != null && store != common)) {
				return null;
			}
			common = store;
		}
		return common;
	}

	/**
	 * Returns the side in which the values of the store serving a key can arrive.
	 * @param handler the server's handler
	 * @param key the key
	 * @return the built-in store's receiving side, or {@code null} when the key's handler has none
	 */
	public static @Nullable ReceivingStore receiving(MemcachedCommandHandler handler, Key key) {
		return receiving.apply(serving(handler, key));
	}

	/**
	 * Returns the receiving side that reserved the memory a key's value arrived in.
	 * @param handler the server's handler
	 * @param key the key
	 * @return the receiving side
	 * @throws IllegalStateException if the key's handler has none, so no value can have arrived
	 * in its memory
	 */
	public static ReceivingStore receivedBy(MemcachedCommandHandler handler, Key key) {
		ReceivingStore store = receiving(handler, key);
		if (store == null) {
			throw new IllegalStateException("A value arrived in the memory of a store that does not serve its key");
		}
		return store;
	}

	private static MemcachedCommandHandler serving(MemcachedCommandHandler handler, Key key) {
		return (handler instanceof PrefixRoutingHandler router) ? router.handlerFor(key) : handler;
	}

}
