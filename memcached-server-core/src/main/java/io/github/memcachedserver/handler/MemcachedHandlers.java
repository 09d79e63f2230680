package io.github.memcachedserver.handler;

import java.util.Collection;
import java.util.Map;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Adapters between handler styles.
 *
 * @since 0.1.0
 */
public final class MemcachedHandlers {

	private MemcachedHandlers() {
	}

	/**
	 * Runs every method of a handler that may block on a scheduler of its own, never on the
	 * server's event loops: a blocking call there would stall every connection of that loop.
	 * @param handler the handler (its {@code Mono}s may block when subscribed)
	 * @param scheduler where its calls run, e.g. virtual threads or a bounded pool
	 * @return a handler whose calls return at once
	 */
	public static MemcachedCommandHandler offEventLoop(MemcachedCommandHandler handler, Scheduler scheduler) {
		return new OffEventLoopHandler(handler, scheduler);
	}

	/**
	 * Runs a blocking-style handler off the event loops.
	 * @param handler the handler
	 * @param scheduler where its calls run
	 * @return the handler in the full contract
	 */
	public static MemcachedCommandHandler offEventLoop(BlockingMemcachedHandler handler, Scheduler scheduler) {
		return offEventLoop(reactive(handler), scheduler);
	}

	/** Wraps each call of a blocking-style handler in a {@code Mono} that makes it when subscribed. */
	private static MemcachedCommandHandler reactive(BlockingMemcachedHandler handler) {
		return new MemcachedCommandHandler() {

			@Override
			public Mono<Item> get(Session session, Key key) {
				return Mono.fromCallable(() -> handler.get(session, key));
			}

			@Override
			public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
				return Mono.fromCallable(() -> handler.getAll(session, keys));
			}

			@Override
			public Mono<StoreResult> set(Session session, Key key, Entry entry) {
				return Mono.fromCallable(() -> handler.set(session, key, entry));
			}

			@Override
			public Mono<Boolean> delete(Session session, Key key) {
				return Mono.fromCallable(() -> handler.delete(session, key));
			}

			@Override
			public String toString() {
				return handler.toString();
			}

		};
	}

}
