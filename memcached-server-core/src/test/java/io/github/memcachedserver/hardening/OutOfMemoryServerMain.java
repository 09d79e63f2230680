package io.github.memcachedserver.hardening;

import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.KeyValueHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.server.MemcachedServer;
import reactor.core.publisher.Mono;

/**
 * A server run in its own JVM by {@link OutOfMemoryIntegrationTests}: its handler answers
 * {@code get huge} by allocating more than any heap holds, on the event loop, so a real
 * {@link OutOfMemoryError} is thrown there. Prints the bound port, then serves until ended.
 */
public final class OutOfMemoryServerMain {

	private static final Key HUGE = Key.of("huge");

	private OutOfMemoryServerMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		KeyValueHandler handler = new KeyValueHandler() {

			@Override
			public Mono<byte[]> get(Session session, Key key) {
				if (key.equals(HUGE)) {
					return Mono.just(new byte[Integer.MAX_VALUE - 16]);
				}
				return Mono.just(key.toByteArray());
			}

			@Override
			public Mono<Void> set(Session session, Key key, byte[] value) {
				return Mono.empty();
			}

			@Override
			public Mono<Boolean> delete(Session session, Key key) {
				return Mono.just(false);
			}

		};
		MemcachedServer server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.handler(KeyValueHandler.adapt(handler))
			.build()
			.start();
		System.out.println("port " + server.port());
		Thread.currentThread().join();
	}

}
