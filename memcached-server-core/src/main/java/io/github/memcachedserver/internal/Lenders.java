package io.github.memcachedserver.internal;

import java.util.function.Function;

import io.github.memcachedserver.handler.MemcachedCommandHandler;
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

}
