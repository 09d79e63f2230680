package io.github.memcachedserver.handler;

import reactor.core.publisher.Mono;

/**
 * The minimal handler contract: values by key, with no flags, expiry or CAS of their own
 * (the Perl original's {@code no_extra} mode). {@link #adapt(KeyValueHandler)} turns it into
 * a full {@link MemcachedCommandHandler}: flags read back as 0, expiration times are
 * ignored, and the CAS unique is derived from the value's content, so {@code gets}/{@code cas}
 * still detect a concurrent change.
 *
 * @since 0.1.0
 */
public interface KeyValueHandler {

	/**
	 * Reads a value.
	 * @param session the client connection
	 * @param key the key
	 * @return the value, or empty on a miss
	 */
	Mono<byte[]> get(Session session, Key key);

	/**
	 * Writes a value.
	 * @param session the client connection
	 * @param key the key
	 * @param value the value
	 * @return completion
	 */
	Mono<Void> set(Session session, Key key, byte[] value);

	/**
	 * Deletes a value.
	 * @param session the client connection
	 * @param key the key
	 * @return whether there was a value
	 */
	Mono<Boolean> delete(Session session, Key key);

	/**
	 * Removes every value ({@code flush_all}); unsupported unless overridden.
	 * @param session the client connection
	 * @return completion
	 */
	default Mono<Void> flushAll(Session session) {
		return Mono.error(new UnsupportedCommandException("flush_all"));
	}

	/**
	 * Adapts a key/value handler to the full contract.
	 * @param handler the key/value handler
	 * @return a handler serving every command
	 */
	static MemcachedCommandHandler adapt(KeyValueHandler handler) {
		return new MemcachedCommandHandler() {

			@Override
			public Mono<Item> get(Session session, Key key) {
				return handler.get(session, key).map((value) -> new Item(value, 0, contentCas(value)));
			}

			@Override
			public Mono<StoreResult> set(Session session, Key key, Entry entry) {
				return handler.set(session, key, entry.value()).thenReturn(StoreResult.STORED);
			}

			@Override
			public Mono<Boolean> delete(Session session, Key key) {
				return handler.delete(session, key);
			}

			@Override
			public Mono<Void> flushAll(Session session, long delaySeconds) {
				if (delaySeconds > 0) {
					return Mono.error(new UnsupportedCommandException("delayed flush_all"));
				}
				return handler.flushAll(session);
			}

			@Override
			public String toString() {
				return "KeyValueHandler adapter for " + handler;
			}

		};
	}

	/**
	 * A CAS unique computed from the value, never 0, so equal contents give equal uniques.
	 */
	private static long contentCas(byte[] value) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : value) {
			hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
		}
		long positive = hash & Long.MAX_VALUE;
		return (positive == 0) ? 1 : positive;
	}

}
