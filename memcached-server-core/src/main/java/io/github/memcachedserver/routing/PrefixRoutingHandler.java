package io.github.memcachedserver.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.handler.StoreStatistics;
import io.github.memcachedserver.handler.UnsupportedCommandException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends each key's commands to the handler whose prefix the key starts with (the longest
 * prefix wins), and every other key to a fallback handler. {@code flush_all} reaches every
 * handler that supports it; {@code stats} reports the figures of every handler that has them,
 * added up.
 *
 * @since 0.1.0
 */
public final class PrefixRoutingHandler implements MemcachedCommandHandler {

	private final List<Route> routes;

	private final MemcachedCommandHandler fallback;

	private final Set<MemcachedCommandHandler> all;

	private PrefixRoutingHandler(Map<String, MemcachedCommandHandler> routes, MemcachedCommandHandler fallback) {
		List<Route> sorted = new ArrayList<>();
		routes.forEach((prefix, handler) -> sorted.add(new Route(prefix, handler)));
		sorted.sort(Comparator.comparingInt((Route route) -> route.prefix().length()).reversed());
		this.routes = List.copyOf(sorted);
		this.fallback = fallback;
		Set<MemcachedCommandHandler> all = new LinkedHashSet<>(routes.values());
		all.add(fallback);
		this.all = all;
	}

	/**
	 * Creates a router.
	 * @param routes the handler for each key prefix (non-empty prefixes, each once)
	 * @param fallback the handler for keys that match no prefix
	 * @return the router
	 */
	public static PrefixRoutingHandler of(Map<String, MemcachedCommandHandler> routes, MemcachedCommandHandler fallback) {
		for (String prefix : routes.keySet()) {
			if (prefix.isEmpty()) {
				throw new IllegalArgumentException("A route prefix must not be empty; use the fallback handler instead");
			}
		}
		return new PrefixRoutingHandler(new LinkedHashMap<>(routes), fallback);
	}

	/**
	 * Returns the handler that serves a key.
	 * @param key the key
	 * @return its handler
	 */
	public MemcachedCommandHandler handlerFor(Key key) {
		for (Route route : this.routes) {
			if (key.startsWith(route.prefixBytes())) {
				return route.handler();
			}
		}
		return this.fallback;
	}

	@Override
	public Mono<Item> get(Session session, Key key) {
		return handlerFor(key).get(session, key);
	}

	/**
	 * Hands each handler its own keys in one call; the handlers' reads run concurrently.
	 */
	@Override
	public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
		Map<MemcachedCommandHandler, List<Key>> byHandler = new LinkedHashMap<>();
		for (Key key : keys) {
			byHandler.computeIfAbsent(handlerFor(key), (handler) -> new ArrayList<>()).add(key);
		}
		if (byHandler.size() == 1) {
			Map.Entry<MemcachedCommandHandler, List<Key>> only = byHandler.entrySet().iterator().next();
			return only.getKey().getAll(session, only.getValue());
		}
		return Flux.fromIterable(byHandler.entrySet())
			.flatMap((group) -> group.getKey().getAll(session, group.getValue()))
			.collect(HashMap::new, Map::putAll);
	}

	@Override
	public Mono<StoreResult> set(Session session, Key key, Entry entry) {
		return handlerFor(key).set(session, key, entry);
	}

	@Override
	public Mono<Boolean> delete(Session session, Key key) {
		return handlerFor(key).delete(session, key);
	}

	@Override
	public Mono<Boolean> exists(Session session, Key key) {
		return handlerFor(key).exists(session, key);
	}

	@Override
	public Mono<StoreResult> add(Session session, Key key, Entry entry) {
		return handlerFor(key).add(session, key, entry);
	}

	@Override
	public Mono<StoreResult> replace(Session session, Key key, Entry entry) {
		return handlerFor(key).replace(session, key, entry);
	}

	@Override
	public Mono<StoreResult> append(Session session, Key key, byte[] data) {
		return handlerFor(key).append(session, key, data);
	}

	@Override
	public Mono<StoreResult> prepend(Session session, Key key, byte[] data) {
		return handlerFor(key).prepend(session, key, data);
	}

	@Override
	public Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
		return handlerFor(key).cas(session, key, entry, cas);
	}

	@Override
	public Mono<Long> increment(Session session, Key key, long delta) {
		return handlerFor(key).increment(session, key, delta);
	}

	@Override
	public Mono<Long> decrement(Session session, Key key, long delta) {
		return handlerFor(key).decrement(session, key, delta);
	}

	@Override
	public Mono<Boolean> touch(Session session, Key key, long exptime) {
		return handlerFor(key).touch(session, key, exptime);
	}

	@Override
	public Mono<Item> getAndTouch(Session session, Key key, long exptime) {
		return handlerFor(key).getAndTouch(session, key, exptime);
	}

	@Override
	public Mono<MetaResult> meta(Session session, MetaCommand command) {
		return handlerFor(command.key()).meta(session, command);
	}

	/**
	 * Flushes every handler that can flush; fails only when none can.
	 */
	@Override
	public Mono<Void> flushAll(Session session, long delaySeconds) {
		return Flux.fromIterable(this.all)
			.concatMap((handler) -> handler.flushAll(session, delaySeconds)
				.thenReturn(true)
				.onErrorResume(UnsupportedCommandException.class, (ex) -> Mono.just(false)))
			// every handler is flushed: any() would stop at the first that flushes
			.reduce(false, Boolean::logicalOr)
			.flatMap((flushed) -> flushed ? Mono.<Void>empty() : Mono.error(new UnsupportedCommandException("flush_all")));
	}

	/**
	 * Adds up the figures of every handler that has them: memcached's {@code stats} counts all
	 * the items of the server, whichever route holds them (a store behind several routes
	 * counts once).
	 */
	@Override
	public @Nullable StoreStatistics storeStatistics() {
		List<StoreStatistics> figures = this.all.stream()
			.map(MemcachedCommandHandler::storeStatistics)
			.filter(Objects::nonNull)
			.distinct()
			.toList();
		return switch (figures.size()) {
			case 0 -> null;
			case 1 -> figures.get(0);
			default -> new CombinedStatistics(figures);
		};
	}

	@Override
	public void connectionOpened(Session session) {
		this.all.forEach((handler) -> handler.connectionOpened(session));
	}

	@Override
	public void connectionClosed(Session session) {
		this.all.forEach((handler) -> handler.connectionClosed(session));
	}

	@Override
	public String toString() {
		return "PrefixRoutingHandler" + this.routes + " else " + this.fallback;
	}

	/**
	 * The figures of several stores as one: counts and memory added up, the largest item
	 * the one every route accepts.
	 */
	private record CombinedStatistics(List<StoreStatistics> stores) implements StoreStatistics {

		@Override
		public long memoryLimit() {
			return sum(StoreStatistics::memoryLimit);
		}

		@Override
		public long bytesUsed() {
			return sum(StoreStatistics::bytesUsed);
		}

		@Override
		public long itemCount() {
			return sum(StoreStatistics::itemCount);
		}

		@Override
		public long totalItems() {
			return sum(StoreStatistics::totalItems);
		}

		@Override
		public long evictions() {
			return sum(StoreStatistics::evictions);
		}

		@Override
		public long reclaimed() {
			return sum(StoreStatistics::reclaimed);
		}

		@Override
		public long expiredReads() {
			return sum(StoreStatistics::expiredReads);
		}

		@Override
		public long flushedReads() {
			return sum(StoreStatistics::flushedReads);
		}

		@Override
		public int maxItemSize() {
			return this.stores.stream().mapToInt(StoreStatistics::maxItemSize).min().orElseThrow();
		}

		@Override
		public void resetStatistics() {
			this.stores.forEach(StoreStatistics::resetStatistics);
		}

		@Override
		public void visitItems(ItemVisitor visitor) {
			boolean[] stopped = { false };
			for (StoreStatistics store : this.stores) {
				store.visitItems((key, valueLength, expiresAt) -> {
					stopped[0] = !visitor.visit(key, valueLength, expiresAt);
					return !stopped[0];
				});
				if (stopped[0]) {
					return;
				}
			}
		}

		private long sum(ToLongFunction<StoreStatistics> figure) {
			return this.stores.stream().mapToLong(figure).sum();
		}

	}

	private record Route(String prefix, byte[] prefixBytes, MemcachedCommandHandler handler) {

		Route(String prefix, MemcachedCommandHandler handler) {
			this(prefix, prefix.getBytes(StandardCharsets.UTF_8), handler);
		}

		@Override
		public String toString() {
			return this.prefix + "=" + this.handler;
		}

	}

}
