package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads reach a handler whose answers take time as few calls: a multi-key get is one
 * {@code getAll}, and so is a pipeline of single gets (text) or a run of quiet gets (binary,
 * as spymemcached sends a bulk get). Answers stay complete and in order.
 */
class BatchedReadsIntegrationTests {

	private final CountingHandler handler = new CountingHandler();

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
	void aPipelineOfTextGetsIsOneGetAll() throws Exception {
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			for (int i = 0; i < 16; i++) {
				raw.send("set k" + i + " 0 0 2\r\nv" + (i % 10) + "\r\n");
				assertThat(raw.readLine()).isEqualTo("STORED");
			}
			this.handler.reset();
			StringBuilder pipeline = new StringBuilder();
			for (int i = 0; i < 16; i++) {
				pipeline.append((i % 2 == 0) ? "get k" : "gets k").append(i).append("\r\n");
			}
			pipeline.append("get missing\r\n");
			raw.send(pipeline.toString());
			for (int i = 0; i < 16; i++) {
				List<String> answer = raw.readRetrieval();
				assertThat(answer).hasSize(1);
				assertThat(answer.get(0)).startsWith("k" + i + " 0 v" + (i % 10));
			}
			assertThat(raw.readRetrieval()).isEmpty();
		}
		// one call for the 17 reads (a read of the socket that splits the pipeline adds one)
		assertThat(this.handler.calls()).isLessThanOrEqualTo(2);
		assertThat(this.handler.batches).flatExtracting((keys) -> keys).hasSize(17 - this.handler.singleGets.get());
	}

	@Test
	void aWriteBetweenReadsSplitsTheBatchAndIsSeen() throws Exception {
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("set a 0 0 1\r\n1\r\nset b 0 0 1\r\n1\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readLine()).isEqualTo("STORED");
			this.handler.reset();
			raw.send("get a\r\nget b\r\nset a 0 0 1\r\n2\r\nget a\r\nget b\r\n");
			assertThat(raw.readRetrieval()).containsExactly("a 0 1");
			assertThat(raw.readRetrieval()).containsExactly("b 0 1");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readRetrieval()).containsExactly("a 0 2");
			assertThat(raw.readRetrieval()).containsExactly("b 0 1");
		}
		// the reads after the write waited for it: they were never in one call with those before it
		assertThat(this.handler.calls()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void aBinaryBulkGetIsOneGetAll() throws Exception {
		MemcachedClient client = TestClients.spymemcachedBinary(this.server.port());
		try {
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				keys.add("bin" + i);
				assertThat(client.set("bin" + i, 0, "value" + i).get()).isTrue();
			}
			this.handler.reset();
			Map<String, Object> found = client.getBulk(keys);
			assertThat(found).hasSize(20);
			for (int i = 0; i < 20; i++) {
				assertThat(found.get("bin" + i)).isEqualTo("value" + i);
			}
		}
		finally {
			TestClients.shutdown(client);
		}
		assertThat(this.handler.calls()).isLessThanOrEqualTo(2);
		assertThat(this.handler.batches).flatExtracting((keys) -> keys).hasSize(20 - this.handler.singleGets.get());
	}

	/** The built-in store behind reads that answer late; counts how reads arrive. */
	static final class CountingHandler extends StoreBackedHandler {

		final AtomicInteger singleGets = new AtomicInteger();

		final List<List<Key>> batches = new CopyOnWriteArrayList<>();

		/** How many calls the reads took: batches and single gets. */
		int calls() {
			return this.batches.size() + this.singleGets.get();
		}

		void reset() {
			this.singleGets.set(0);
			this.batches.clear();
		}

		@Override
		public Mono<Item> get(Session session, Key key) {
			return Mono.delay(Duration.ofMillis(1)).then(Mono.defer(() -> {
				this.singleGets.incrementAndGet();
				return this.store.get(session, key);
			}));
		}

		@Override
		public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
			this.batches.add(List.copyOf(keys));
			return Mono.delay(Duration.ofMillis(1)).then(this.store.getAll(session, keys));
		}

	}

}
