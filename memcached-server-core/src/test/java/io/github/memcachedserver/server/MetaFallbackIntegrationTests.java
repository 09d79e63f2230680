package io.github.memcachedserver.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.KeyValueHandler;
import io.github.memcachedserver.handler.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meta commands against a handler that implements only the basic contract: what needs item
 * metadata degrades as README documents (TTLs read as unlimited, access times as 0, recache
 * leases never win, {@code md I} deletes), everything else behaves as with the built-in store.
 */
class MetaFallbackIntegrationTests {

	private final Map<Key, byte[]> values = new ConcurrentHashMap<>();

	private final MemcachedServer server = MemcachedServer.builder()
		.listen("127.0.0.1:0")
		.handler(KeyValueHandler.adapt(new MapHandler(this.values)))
		.build()
		.start();

	@AfterEach
	void stop() {
		this.server.stop();
	}

	@Test
	void metaGetAndSetWorkWithDegradedMetadata() throws Exception {
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send("ms k 5 T100 F7\r\nhello\r\n");
			assertThat(connection.readLine()).isEqualTo("HD");
			connection.send("mg k v t l h f k Oabc\r\n");
			// the contract carries no TTL, access time or flags: t-1, l0, h0, f0
			assertThat(connection.readLine()).isEqualTo("VA 5 t-1 l0 h0 f0 kk Oabc");
			assertThat(connection.readLine()).isEqualTo("hello");
			connection.send("mg missing v q\r\nmg missing v\r\nmn\r\n");
			assertThat(connection.readLine()).isEqualTo("EN");
			assertThat(connection.readLine()).isEqualTo("MN");
		}
	}

	@Test
	void casUniquesFromContentStillDetectChanges() throws Exception {
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send("ms k 1\r\na\r\nmg k c\r\n");
			assertThat(connection.readLine()).isEqualTo("HD");
			String cas = connection.readLine().substring("HD c".length());
			connection.send("ms k 1 C" + cas + "\r\nb\r\n");
			assertThat(connection.readLine()).isEqualTo("HD");
			connection.send("ms k 1 C" + cas + "\r\nc\r\n");
			assertThat(connection.readLine()).isEqualTo("EX");
			assertThat(this.values.get(Key.of("k"))).containsExactly('b');
		}
	}

	@Test
	void leasesNeverWinAndInvalidationDeletes() throws Exception {
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send("mg lease N30 v\r\n");
			// no stub item can be created without the store: a plain miss, no W
			assertThat(connection.readLine()).isEqualTo("EN");
			connection.send("ms k 1\r\nx\r\nmd k I\r\nmg k v\r\n");
			assertThat(connection.readLine()).isEqualTo("HD");
			assertThat(connection.readLine()).isEqualTo("HD");
			assertThat(connection.readLine()).isEqualTo("EN");
			assertThat(this.values).doesNotContainKey(Key.of("k"));
		}
	}

	@Test
	void metaArithmeticCreatesAndCounts() throws Exception {
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send("ma n N0 J10 v\r\nma n v D5\r\nma n v MD D100\r\nma none\r\n");
			assertThat(connection.readLine()).isEqualTo("VA 2");
			assertThat(connection.readLine()).isEqualTo("10");
			assertThat(connection.readLine()).isEqualTo("VA 2");
			assertThat(connection.readLine()).isEqualTo("15");
			assertThat(connection.readLine()).isEqualTo("VA 1");
			assertThat(connection.readLine()).isEqualTo("0");
			assertThat(connection.readLine()).isEqualTo("NF");
		}
	}

	private record MapHandler(Map<Key, byte[]> values) implements KeyValueHandler {

		@Override
		public Mono<byte[]> get(Session session, Key key) {
			return Mono.justOrEmpty(this.values.get(key));
		}

		@Override
		public Mono<Void> set(Session session, Key key, byte[] value) {
			return Mono.fromRunnable(() -> this.values.put(key, value));
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.fromSupplier(() -> this.values.remove(key) != null);
		}

	}

}
