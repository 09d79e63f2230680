package io.github.memcachedserver.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stats cachedump}, which PHP's {@code Memcached::getAllKeys} and
 * {@code Memcache::getStats('cachedump')} send: the built-in store's one pseudo slab class, 1,
 * lists every live item. The differential suite compares one item and the argument errors
 * with memcached (11-stats.cases); these cover what memcached's LRU segments leave to timing
 * there: several items, expiry times, the limit and the 2 MiB bound.
 */
@Timeout(30)
class CacheDumpIntegrationTests {

	private AdjustableClock clock;

	private MemcachedServer server;

	@BeforeEach
	void startServer() {
		this.clock = AdjustableClock.startingNow();
		this.server = MemcachedServer.builder()
			.handler(ConcurrentMapMemcachedStore.builder().clock(this.clock).build())
			.listen(ListenAddress.parse("127.0.0.1:0"))
			.build()
			.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void listsLiveItemsWithValueLengthAndExpiryButNotBase64Keys() throws Exception {
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send("set a 0 0 1\r\nx\r\nset bb 7 100 3\r\nyyy\r\nset gone 0 1 1\r\nz\r\nms Ymlu 1 b\r\nw\r\n");
			assertThat(List.of(connection.readLine(), connection.readLine(), connection.readLine(),
					connection.readLine()))
				.containsExactly("STORED", "STORED", "STORED", "HD");
			this.clock.advanceSeconds(2);
			assertThat(dump(connection, "stats cachedump 1 0")).containsExactlyInAnyOrder("ITEM a [1 b; 0 s]",
					"ITEM bb [3 b; " + (this.clock.epochSecond() + 98) + " s]");
			assertThat(dump(connection, "stats cachedump 2 0")).isEmpty();
		}
	}

	@Test
	void limitCountsListedItems() throws Exception {
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send("set a 0 0 1\r\nx\r\nset b 0 0 1\r\nx\r\nset c 0 0 1\r\nx\r\n");
			for (int i = 0; i < 3; i++) {
				assertThat(connection.readLine()).isEqualTo("STORED");
			}
			assertThat(dump(connection, "stats cachedump 1 2")).hasSize(2);
			assertThat(dump(connection, "stats cachedump 1 3")).hasSize(3);
		}
	}

	@Test
	void answerStaysWithinMemcachedsTwoMebibytes() throws Exception {
		int items = 8000;
		StringBuilder sets = new StringBuilder();
		for (int i = 0; i < items; i++) {
			sets.append("set ").append(String.format("%0250d", i)).append(" 0 0 1 noreply\r\nx\r\n");
		}
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send(sets.toString());
			List<String> lines = dump(connection, "stats cachedump 1 0");
			// every line is 268 bytes: as many as fit, with "END\r\n" and memcached's NUL, in 2 MiB
			assertThat(lines).hasSize((2 * 1024 * 1024 - 6) / 268);
		}
	}

	@Test
	void aRoutedServerListsTheItemsOfEveryRoutesStore() throws Exception {
		MemcachedServer routed = MemcachedServer.builder()
			.handler(PrefixRoutingHandler.of(Map.of("db:", new ConcurrentMapMemcachedStore()),
					new ConcurrentMapMemcachedStore()))
			.listen(ListenAddress.parse("127.0.0.1:0"))
			.build()
			.start();
		try (RawConnection connection = RawConnection.open(routed.port())) {
			connection.send("set db:1 0 0 1\r\nx\r\nset other 0 0 2\r\nyy\r\n");
			assertThat(List.of(connection.readLine(), connection.readLine())).containsExactly("STORED", "STORED");
			assertThat(dump(connection, "stats cachedump 1 0")).containsExactlyInAnyOrder("ITEM db:1 [1 b; 0 s]",
					"ITEM other [2 b; 0 s]");
			// the limit holds across the stores: the second is not asked once the first gave enough
			assertThat(dump(connection, "stats cachedump 1 1")).hasSize(1);
		}
		finally {
			routed.stop();
		}
	}

	private static List<String> dump(RawConnection connection, String command) throws Exception {
		connection.send(command + "\r\n");
		List<String> lines = new ArrayList<>();
		for (String line = connection.readLine(); !line.equals("END"); line = connection.readLine()) {
			lines.add(line);
		}
		return lines;
	}

}
