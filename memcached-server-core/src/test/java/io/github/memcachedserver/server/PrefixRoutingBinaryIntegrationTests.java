package io.github.memcachedserver.server;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.handler.MemcachedHandlers;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.rubyeye.xmemcached.GetsResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server whose keys are routed by prefix as the sample routes them ({@code db:} keys to a
 * handler that runs off the event loops, like the sample's database handler, the others to the
 * built-in store), over real connections from spymemcached and xmemcached in binary mode: the
 * requests without a key (version, noop, flush, stat) have no route to take and are answered
 * all the same, and reads, CAS and arithmetic that span both routes behave as on one store.
 */
@Timeout(30)
class PrefixRoutingBinaryIntegrationTests {

	private static final TestClients.SpyBytes SPY_BYTES = new TestClients.SpyBytes(0);

	private MemcachedServer server;

	private MemcachedClient client;

	private net.rubyeye.xmemcached.MemcachedClient xmemcached;

	@BeforeEach
	void start() {
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.threads(1)
			.handler(PrefixRoutingHandler.of(
					Map.of("db:", MemcachedHandlers.offEventLoop(new ConcurrentMapMemcachedStore(),
							Schedulers.boundedElastic())),
					new ConcurrentMapMemcachedStore()))
			.build()
			.start();
		this.client = TestClients.spymemcachedBinary(this.server.port());
		this.xmemcached = TestClients.xmemcachedBinary(this.server.port());
	}

	@AfterEach
	void stop() {
		TestClients.shutdown(this.client);
		TestClients.shutdown(this.xmemcached);
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void versionIsAnswered() {
		Map<SocketAddress, String> versions = this.client.getVersions();
		assertThat(versions.values()).containsExactly("1.6.18");
	}

	@Test
	void statsCountTheItemsOfBothRoutes() throws Exception {
		assertThat(this.client.set("db:1", 0, "routed").get()).isTrue();
		assertThat(this.client.set("other", 0, "fallback").get()).isTrue();
		Map<SocketAddress, Map<String, String>> stats = this.client.getStats();
		assertThat(stats.values()).singleElement()
			.satisfies((values) -> assertThat(values).containsEntry("curr_items", "2").containsEntry("total_items", "2"));
	}

	@Test
	void bulkGetsClosedByNoopReachBothRoutes() throws Exception {
		assertThat(this.client.set("db:1", 0, "routed").get()).isTrue();
		assertThat(this.client.set("other", 0, "fallback").get()).isTrue();
		assertThat(this.client.getBulk("db:1", "other", "missing")).containsOnly(Map.entry("db:1", "routed"),
				Map.entry("other", "fallback"));
	}

	@Test
	void flushEmptiesBothRoutes() throws Exception {
		assertThat(this.client.set("db:1", 0, "routed").get()).isTrue();
		assertThat(this.client.set("other", 0, "fallback").get()).isTrue();
		assertThat(this.client.flush().get()).isTrue();
		assertThat(this.client.get("db:1")).isNull();
		assertThat(this.client.get("other")).isNull();
	}

	@Test
	void multiKeyGetsAcrossRoutesGiveEachKeyItsCasUnique() throws Exception {
		assertThat(this.xmemcached.set("db:1", 0, "routed")).isTrue();
		assertThat(this.xmemcached.set("other", 0, "fallback")).isTrue();
		Map<String, GetsResponse<String>> found = this.xmemcached.gets(List.of("db:1", "other", "missing"));
		assertThat(found).containsOnlyKeys("db:1", "other");
		assertThat(found.get("db:1").getValue()).isEqualTo("routed");
		assertThat(found.get("other").getValue()).isEqualTo("fallback");
		for (String key : List.of("db:1", "other")) {
			long cas = found.get(key).getCas();
			assertThat(this.xmemcached.cas(key, 0, "changed", cas)).isTrue();
			assertThat(this.xmemcached.cas(key, 0, "stale", cas)).isFalse();
		}
		assertThat(this.xmemcached.<String>get(List.of("db:1", "other"))).containsOnly(Map.entry("db:1", "changed"),
				Map.entry("other", "changed"));
	}

	@Test
	void quietGetsOfBothRoutesClosedByOneNoopFindEveryKey() throws Exception {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String key = ((i % 2 == 0) ? "db:" : "k") + i;
			keys.add(key);
			if (i % 3 != 0) {
				assertThat(this.client.set(key, 0, "v" + i).get()).isTrue();
			}
		}
		Map<String, Object> found = this.client.getBulk(keys);
		assertThat(found).hasSize(13);
		found.forEach((key, value) -> assertThat(value).isEqualTo("v" + key.replaceAll("\\D", "")));
	}

	@Test
	void arithmeticAppendAndTouchReachEachKeysRoute() throws Exception {
		for (String key : List.of("db:n", "n")) {
			assertThat(this.client.incr(key, 5, 10)).isEqualTo(10);
			assertThat(this.client.incr(key, 5, 10)).isEqualTo(15);
			assertThat(this.client.decr(key, 20, 0)).isZero();
			assertThat(this.client.set(key + "s", 0, "ab".getBytes(StandardCharsets.US_ASCII), SPY_BYTES).get()).isTrue();
			assertThat(this.client.append(0, key + "s", "cd".getBytes(StandardCharsets.US_ASCII),
					SPY_BYTES).get()).isTrue();
			assertThat(this.client.touch(key + "s", 100).get()).isTrue();
			CASValue<byte[]> touched = this.client.getAndTouch(key + "s", 200, SPY_BYTES);
			assertThat(touched.getValue()).asString(StandardCharsets.US_ASCII).isEqualTo("abcd");
			assertThat(this.client.gets(key + "s", SPY_BYTES).getCas()).isEqualTo(touched.getCas());
		}
		assertThat(this.client.touch("db:missing", 100).get()).isFalse();
		assertThat(this.client.getAndTouch("missing", 100)).isNull();
	}

}
