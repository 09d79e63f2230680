package io.github.memcachedserver.server;

import java.net.SocketAddress;
import java.util.Map;

import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store with a 2 MiB memory limit fed several times that much through a real client: it
 * must stay within the limit by evicting the least recently used items, and say so in
 * {@code stats}.
 */
@Timeout(60)
class EvictionIntegrationTests {

	private static final long LIMIT = 2L * 1024 * 1024;

	private static final int VALUE_SIZE = 16 * 1024;

	private static final int ITEM_COUNT = 500;

	private static final TestClients.SpyBytes BYTES = new TestClients.SpyBytes(0);

	private ConcurrentMapMemcachedStore store;

	private MemcachedServer server;

	private MemcachedClient client;

	@BeforeEach
	void startServer() {
		this.store = ConcurrentMapMemcachedStore.builder().memoryLimit(LIMIT).build();
		this.server = MemcachedServer.builder().handler(this.store).listen(ListenAddress.parse("127.0.0.1:0")).build();
		this.server.start();
		this.client = TestClients.spymemcached(this.server.port());
	}

	@AfterEach
	void stopServer() {
		TestClients.shutdown(this.client);
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void writingFarMoreThanTheLimitEvictsTheOldestItems() throws Exception {
		long maxSeen = 0;
		for (int i = 0; i < ITEM_COUNT; i++) {
			assertThat(this.client.set(key(i), 0, value(i), BYTES).get()).as("set %s", key(i)).isTrue();
			maxSeen = Math.max(maxSeen, this.store.bytesUsed());
		}
		assertThat((long) ITEM_COUNT * VALUE_SIZE).isGreaterThan(3 * LIMIT);
		assertThat(maxSeen).isLessThanOrEqualTo(LIMIT);
		assertThat(this.store.bytesUsed()).isLessThanOrEqualTo(LIMIT).isPositive();
		assertThat(this.store.evictions()).isPositive();
		assertThat(this.store.itemCount()).isLessThan(ITEM_COUNT).isGreaterThan(20);
		// the newest items are all still there, byte for byte
		for (int i = ITEM_COUNT - 20; i < ITEM_COUNT; i++) {
			assertThat(this.client.get(key(i), BYTES)).as(key(i)).isEqualTo(value(i));
		}
		// the oldest are nearly all gone: CLOCK walks the table in hash order (keyed, so any order),
		// evicting what was not used since the hand last passed
		assertThat(survivorsAmongTheOldest(100)).isLessThanOrEqualTo(10);
		assertThat(this.store.evictions() + this.store.itemCount()).isEqualTo(ITEM_COUNT);
	}

	@Test
	void statsReportEvictionsAndTheMemoryLimit() throws Exception {
		for (int i = 0; i < ITEM_COUNT; i++) {
			this.client.set(key(i), 0, value(i), BYTES).get();
		}
		Map<SocketAddress, Map<String, String>> all = this.client.getStats();
		Map<String, String> stats = all.values().iterator().next();
		assertThat(stats).containsEntry("limit_maxbytes", String.valueOf(LIMIT));
		assertThat(Long.parseLong(stats.get("evictions"))).isPositive().isEqualTo(this.store.evictions());
		assertThat(Long.parseLong(stats.get("bytes"))).isPositive().isLessThanOrEqualTo(LIMIT);
		assertThat(Long.parseLong(stats.get("curr_items"))).isEqualTo(this.store.itemCount());
		assertThat(Long.parseLong(stats.get("total_items"))).isGreaterThanOrEqualTo(ITEM_COUNT);
		Map<String, String> settings = this.client.getStats("settings").values().iterator().next();
		assertThat(settings).containsEntry("maxbytes", String.valueOf(LIMIT)).containsEntry("evictions", "on");
	}

	@Test
	void anItemReadOftenOutlivesItemsWrittenAfterIt() throws Exception {
		byte[] hot = value(-1);
		this.client.set("hot", 0, hot, BYTES).get();
		for (int i = 0; i < ITEM_COUNT; i++) {
			this.client.set(key(i), 0, value(i), BYTES).get();
			assertThat(this.client.get("hot", BYTES)).as("hot after %s writes", i + 1).isEqualTo(hot);
		}
		assertThat(this.store.evictions()).isPositive();
		assertThat(survivorsAmongTheOldest(100)).isLessThanOrEqualTo(10);
	}

	/** How many of the first items written are still there. */
	private int survivorsAmongTheOldest(int count) {
		int survivors = 0;
		for (int i = 0; i < count; i++) {
			survivors += (this.client.get(key(i), BYTES) != null) ? 1 : 0;
		}
		return survivors;
	}

	@Test
	void replacingValuesDoesNotLeakAccountedMemory() throws Exception {
		for (int round = 0; round < 20; round++) {
			for (int i = 0; i < 50; i++) {
				this.client.set(key(i), 0, value(round * 50 + i), BYTES).get();
			}
		}
		long used = this.store.bytesUsed();
		for (int i = 0; i < 50; i++) {
			this.client.delete(key(i)).get();
		}
		assertThat(this.store.itemCount()).isZero();
		assertThat(this.store.bytesUsed()).isZero();
		assertThat(used).isLessThanOrEqualTo(LIMIT);
	}

	private static String key(int i) {
		return String.format("evict:%04d", i);
	}

	private static byte[] value(int i) {
		byte[] value = new byte[VALUE_SIZE];
		for (int j = 0; j < value.length; j++) {
			value[j] = (byte) (i * 31 + j);
		}
		return value;
	}

}
