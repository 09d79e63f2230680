package io.github.memcachedserver.internal;

import java.util.function.Function;

import io.github.memcachedserver.handler.MemcachedCommandHandler;
import org.jspecify.annotations.Nullable;

/**
 * How the server reaches the built-in store's own machinery without the store's public class
 * showing an internal type: the store registers, when its class is loaded, how to find the
 * machinery of one of its instances. A handler that is not the built-in store has none.
 */
public final class StoreAccess {

	private static volatile Function<MemcachedCommandHandler, @Nullable ReceivingStore> receiving = (handler) -> null;

	private StoreAccess() {
	}

	/**
	 * Registers how to find the memory a store's values arrive in; called by the built-in store.
	 * @param finder the store's receiving side, or {@code null} for another handler
	 */
	public static void registerReceiving(Function<MemcachedCommandHandler, @Nullable ReceivingStore> finder) {
		receiving = finder;
	}

	/**
	 * Returns the memory a handler's values can arrive in.
	 * @param handler the server's handler
	 * @return the built-in store's receiving side, or {@code null} for any other handler
	 */
	public static @Nullable ReceivingStore receiving(MemcachedCommandHandler handler) {
		return receiving.apply(handler);
	}

}
