package io.github.memcachedserver.server;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import reactor.core.publisher.Mono;

/**
 * The built-in store, noting who each session was when it opened and at each {@code get}:
 * what the authentication tests read back.
 */
final class PrincipalRecordingHandler extends StoreBackedHandler {

	final List<Principal> atOpen = new CopyOnWriteArrayList<>();

	final List<Principal> atGet = new CopyOnWriteArrayList<>();

	@Override
	public void connectionOpened(Session session) {
		this.atOpen.add(session.principal());
	}

	@Override
	public Mono<Item> get(Session session, Key key) {
		this.atGet.add(session.principal());
		return super.get(session, key);
	}

}
