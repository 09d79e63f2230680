package io.github.memcachedserver.server;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import reactor.core.publisher.Mono;

/**
 * The built-in store, noting who each session was when it opened and at each {@code get}:
 * what the authentication tests read back.
 */
final class PrincipalRecordingHandler implements MemcachedCommandHandler {

	final List<Principal> atOpen = new CopyOnWriteArrayList<>();

	final List<Principal> atGet = new CopyOnWriteArrayList<>();

	private final ConcurrentMapMemcachedStore store = ConcurrentMapMemcachedStore.builder().build();

	@Override
	public void connectionOpened(Session session) {
		this.atOpen.add(session.principal());
	}

	@Override
	public Mono<Item> get(Session session, Key key) {
		this.atGet.add(session.principal());
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
