package io.github.memcachedserver.server;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * memcached's per-prefix statistics ({@code stats detail}) as spymemcached 2.12.3 reads them:
 * in text mode a dump's {@code PREFIX <prefix> <counts>} lines come back as stats named after
 * the prefix (its text mode cannot send {@code stats detail on}, whose answer is {@code OK},
 * so that server counts from the start, as with memcached's {@code -D}); in binary mode the
 * Stat keys {@code detail on}, {@code detail off} and {@code detail dump} work, a dump being
 * one stat, {@code detailed}.
 */
@Timeout(30)
class StatsDetailIntegrationTests {

	private MemcachedServer server;

	private final List<MemcachedClient> clients = new ArrayList<>();

	@AfterEach
	void stop() {
		this.clients.forEach(TestClients::shutdown);
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void aServerBuiltWithADelimiterCountsFromTheStartAndATextClientReadsTheDump() throws Exception {
		start(MemcachedServer.builder().statsDetail('/'));
		MemcachedClient client = connect(TestClients.spymemcached(this.server.port()));
		client.set("user/1", 0, "ada").get();
		client.set("user/2", 0, "grace").get();
		assertThat(client.get("user/1")).isEqualTo("ada");
		assertThat(client.getBulk("user/2", "user/3", "order/7")).containsOnlyKeys("user/2");
		assertThat(client.delete("order/7").get()).isFalse();
		client.set("plain", 0, "not counted").get();
		assertThat(single(client.getStats("detail dump"))).containsOnly(
				Map.entry("order", "get 1 hit 0 set 0 del 1"), Map.entry("user", "get 3 hit 2 set 2 del 0"));
		assertThat(single(client.getStats("settings"))).containsEntry("stat_key_prefix", "/")
			.containsEntry("detail_enabled", "yes");
	}

	@Test
	void aBinaryClientSwitchesCountingAndReadsTheDump() throws Exception {
		start(MemcachedServer.builder());
		MemcachedClient client = connect(TestClients.spymemcachedBinary(this.server.port()));
		client.set("a:1", 0, "x").get();
		assertThat(single(client.getStats("detail dump"))).containsOnly(Map.entry("detailed", "END\r\n"));
		assertThat(single(client.getStats("detail on"))).isEmpty();
		client.set("a:1", 0, "x").get();
		client.get("a:1");
		client.touch("b:1", 10).get();
		client.delete("a:1").get();
		assertThat(single(client.getStats("detail off"))).isEmpty();
		client.get("a:1");
		assertThat(single(client.getStats("detail dump"))).containsOnly(Map.entry("detailed",
				"PREFIX b get 1 hit 0 set 0 del 0\r\nPREFIX a get 1 hit 1 set 1 del 1\r\nEND\r\n"));
		client.getStats("reset");
		assertThat(single(client.getStats("detail dump"))).containsOnly(Map.entry("detailed", "END\r\n"));
	}

	@Test
	void countsEveryCommandOfConnectionsServedByDifferentEventLoops() {
		start(MemcachedServer.builder().threads(4).statsDetail(':'));
		List<CompletableFuture<Void>> workers = new ArrayList<>();
		for (int worker = 0; worker < 4; worker++) {
			MemcachedClient client = connect(TestClients.spymemcached(this.server.port()));
			workers.add(CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 500; i++) {
					client.get("p" + (i % 20) + ":" + i);
				}
			}));
		}
		workers.forEach(CompletableFuture::join);
		long gets = single(this.clients.get(0).getStats("detail dump")).values()
			.stream()
			.mapToLong((counts) -> Long.parseLong(counts.split(" ")[1]))
			.sum();
		assertThat(gets).isEqualTo(4 * 500);
	}

	@Test
	void theDelimiterIsOneByteOtherThanZero() {
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedServer.builder().statsDetail('\0'));
		assertThatIllegalArgumentException().isThrownBy(() -> MemcachedServer.builder().statsDetail('\u20ac'));
		start(MemcachedServer.builder().statsDetail('\u00e9'));
		assertThat(this.server.stats("settings")).containsEntry("stat_key_prefix", "\u00e9");
	}

	private void start(MemcachedServerBuilder builder) {
		this.server = builder.listen(ListenAddress.parse("127.0.0.1:0")).build().start();
	}

	private MemcachedClient connect(MemcachedClient client) {
		this.clients.add(client);
		return client;
	}

	private static Map<String, String> single(Map<SocketAddress, Map<String, String>> statsByServer) {
		assertThat(statsByServer).hasSize(1);
		return statsByServer.values().iterator().next();
	}

}
