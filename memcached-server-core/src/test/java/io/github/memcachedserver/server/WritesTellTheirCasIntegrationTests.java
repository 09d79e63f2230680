package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler whose writes tell the new CAS unique ({@link StoreResult#stored(long)}) is never
 * read back by a write: binary writes and meta {@code ms} answer with the unique it told.
 */
class WritesTellTheirCasIntegrationTests {

	private final ReadCountingHandler handler = new ReadCountingHandler();

	private MemcachedServer server;

	@BeforeEach
	void start() {
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").handler(this.handler).build().start();
	}

	@AfterEach
	void stop() {
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void binaryWritesAnswerTheUniqueTheHandlerToldWithoutAReadBack() throws Exception {
		MemcachedClient client = TestClients.spymemcachedBinary(this.server.port());
		try {
			assertThat(client.set("k", 0, "one").get()).isTrue();
			assertThat(client.add("k", 0, "two").get()).isFalse();
			assertThat(client.replace("k", 0, "three").get()).isTrue();
			assertThat(this.handler.reads).hasValue(0);
			CASValue<Object> read = client.gets("k");
			assertThat(read.getValue()).isEqualTo("three");
			assertThat(this.handler.reads).hasValue(1);
			assertThat(client.cas("k", read.getCas(), "four")).isEqualTo(net.spy.memcached.CASResponse.OK);
			// the cas read nothing back either; its new unique is the store's
			assertThat(this.handler.reads).hasValue(1);
			assertThat(client.gets("k").getCas()).isEqualTo(this.handler.lastStoredCas);
		}
		finally {
			TestClients.shutdown(client);
		}
	}

	@Test
	void metaSetAnswersTheUniqueTheHandlerToldWithoutAReadBack() throws Exception {
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("ms k 2 c\r\nab\r\n");
			String answer = raw.readLine();
			assertThat(answer).isEqualTo("HD c" + this.handler.lastStoredCas);
			raw.send("ms k 2 c MR\r\ncd\r\n");
			assertThat(raw.readLine()).isEqualTo("HD c" + this.handler.lastStoredCas);
		}
		assertThat(this.handler.reads).hasValue(0);
	}

	/** The built-in store, counting the reads the server asks for; writes tell their unique. */
	static final class ReadCountingHandler extends StoreBackedHandler {

		final AtomicInteger reads = new AtomicInteger();

		volatile long lastStoredCas;

		@Override
		public Mono<Item> get(Session session, Key key) {
			this.reads.incrementAndGet();
			return super.get(session, key);
		}

		@Override
		public Mono<Boolean> exists(Session session, Key key) {
			return this.store.get(session, key).hasElement();
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return remember(super.set(session, key, entry));
		}

		@Override
		public Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
			return remember(this.store.cas(session, key, entry, cas));
		}

		private Mono<StoreResult> remember(Mono<StoreResult> result) {
			return result.doOnNext((stored) -> {
				if (stored.isStored()) {
					this.lastStoredCas = stored.cas();
				}
			});
		}

	}

}
