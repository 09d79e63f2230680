package io.github.memcachedserver.server;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import reactor.core.publisher.Mono;

/**
 * A test handler serving the basic contract from the built-in store; subclasses override what
 * they observe or slow down.
 */
abstract class StoreBackedHandler implements MemcachedCommandHandler {

	protected final ConcurrentMapMemcachedStore store = new ConcurrentMapMemcachedStore();

	@Override
	public Mono<Item> get(Session session, Key key) {
		return this.store.get(session, key);
	}

	@Override
	public Mono<StoreResult> set(Session session, Key key, Entry entry) {
		return this.store.set(session, key, entry);
	}

	@Override
	public Mono<Boolean> delete(Session session, Key key) {
		return this.store.delete(session, key);
	}

}
