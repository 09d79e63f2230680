package io.github.memcachedserver.server;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;

import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binary requests without a key (version, noop, flush, stat) on a server whose keys are
 * routed by prefix: they have no route to take, and are answered all the same, over a real
 * connection from spymemcached in binary mode.
 */
@Timeout(30)
class PrefixRoutingBinaryIntegrationTests {

	private MemcachedServer server;

	private MemcachedClient client;

	@BeforeEach
	void start() {
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.threads(1)
			.handler(PrefixRoutingHandler.of(Map.of("db:", new ConcurrentMapMemcachedStore()),
					new ConcurrentMapMemcachedStore()))
			.build()
			.start();
		this.client = TestClients.spymemcachedBinary(this.server.port());
	}

	@AfterEach
	void stop() {
		TestClients.shutdown(this.client);
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void versionIsAnswered() {
		Map<SocketAddress, String> versions = this.client.getVersions();
		assertThat(versions.values()).containsExactly("1.6.18");
	}

	@Test
	void statsAreAnswered() {
		Map<SocketAddress, Map<String, String>> stats = this.client.getStats();
		assertThat(stats.values()).singleElement().satisfies((values) -> assertThat(values).containsKey("curr_items"));
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

}
