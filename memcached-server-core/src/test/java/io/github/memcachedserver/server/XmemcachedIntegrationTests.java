package io.github.memcachedserver.server;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.rubyeye.xmemcached.CASOperation;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.exception.MemcachedClientException;
import net.rubyeye.xmemcached.exception.MemcachedServerException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The same command families as the spymemcached workout, through xmemcached 2.4.8 in text
 * mode, including its {@code noreply} operations, {@link CASOperation} loops and error
 * answers (xmemcached keeps the connection after {@code SERVER_ERROR} and
 * {@code CLIENT_ERROR}).
 * <p>
 * Not covered here because the client cannot do it in text mode: {@code getAndTouch}
 * (binary only) and {@code flushAll} with a delay (xmemcached 2.4.8 writes no bytes for
 * {@code flush_all <delay>} and then pairs the next reply with it); both are covered with raw
 * sockets elsewhere.
 */
@Timeout(30)
class XmemcachedIntegrationTests extends ClientWorkout {

	private static final TestClients.XmemBytes BYTES = new TestClients.XmemBytes(0);

	private static AdjustableClock clock;

	private static MemcachedServer server;

	private static MemcachedClient client;

	@BeforeAll
	static void startServer() {
		clock = AdjustableClock.startingNow();
		ConcurrentMapMemcachedStore store = ConcurrentMapMemcachedStore.builder().clock(clock).build();
		server = MemcachedServer.builder().handler(store).listen(ListenAddress.parse("127.0.0.1:0")).build();
		server.start();
		client = TestClients.xmemcached(server.port());
	}

	@AfterAll
	static void stopServer() {
		TestClients.shutdown(client);
		if (server != null) {
			server.stop();
		}
	}

	@Test
	void getAfterSetReturnsStoredValue() throws Exception {
		assertThat(client.set(key("k"), 0, "hello")).isTrue();
		assertThat(client.<String>get(key("k"))).isEqualTo("hello");
		assertThat(client.<String>get(key("missing"))).isNull();
	}

	@Test
	void multiGetReturnsOnlyTheKeysThatExist() throws Exception {
		client.set(key("a"), 0, "A");
		client.set(key("b"), 0, "B");
		Map<String, String> values = client.get(List.of(key("a"), key("missing"), key("b")));
		assertThat(values).containsOnly(Map.entry(key("a"), "A"), Map.entry(key("b"), "B"));
	}

	@Test
	void multiGetsReturnsCasUniquesPerKey() throws Exception {
		client.set(key("a"), 0, "A");
		client.set(key("b"), 0, "B");
		Map<String, GetsResponse<String>> values = client.gets(List.of(key("a"), key("b"), key("missing")));
		assertThat(values).containsOnlyKeys(key("a"), key("b"));
		assertThat(values.get(key("a")).getValue()).isEqualTo("A");
		assertThat(values.get(key("a")).getCas()).isNotZero().isNotEqualTo(values.get(key("b")).getCas());
	}

	@Test
	void addReplaceAppendPrependFollowPresence() throws Exception {
		assertThat(client.replace(key("k"), 0, "r")).isFalse();
		assertThat(client.append(key("k"), "a")).isFalse();
		assertThat(client.prepend(key("k"), "p")).isFalse();
		assertThat(client.add(key("k"), 0, "mid")).isTrue();
		assertThat(client.add(key("k"), 0, "again")).isFalse();
		assertThat(client.append(key("k"), ">")).isTrue();
		assertThat(client.prepend(key("k"), "<")).isTrue();
		assertThat(client.<String>get(key("k"))).isEqualTo("<mid>");
		assertThat(client.replace(key("k"), 0, "replaced")).isTrue();
		assertThat(client.<String>get(key("k"))).isEqualTo("replaced");
	}

	@Test
	void deleteRemovesTheItem() throws Exception {
		client.set(key("k"), 0, "v");
		assertThat(client.delete(key("k"))).isTrue();
		assertThat(client.delete(key("k"))).isFalse();
		assertThat(client.<String>get(key("k"))).isNull();
	}

	@Test
	void getsAndCasWithExplicitUnique() throws Exception {
		client.set(key("k"), 0, "v1");
		GetsResponse<String> read = client.gets(key("k"));
		assertThat(read.getValue()).isEqualTo("v1");
		assertThat(client.cas(key("k"), 0, "v2", read.getCas())).isTrue();
		// the unique changed with the write: the same unique now conflicts (EXISTS)
		assertThat(client.cas(key("k"), 0, "v3", read.getCas())).isFalse();
		assertThat(client.<String>get(key("k"))).isEqualTo("v2");
		client.delete(key("k"));
		// NOT_FOUND
		assertThat(client.cas(key("k"), 0, "v4", read.getCas())).isFalse();
		assertThat(client.<String>get(key("k"))).isNull();
	}

	@Test
	void casOperationAppliesItsUpdate() throws Exception {
		client.set(key("k"), 0, "1");
		boolean done = client.cas(key("k"), 0, new CASOperation<String>() {

			@Override
			public int getMaxTries() {
				return 3;
			}

			@Override
			public String getNewValue(long currentCAS, String currentValue) {
				return String.valueOf(Integer.parseInt(currentValue) + 1);
			}

		});
		assertThat(done).isTrue();
		assertThat(client.<String>get(key("k"))).isEqualTo("2");
	}

	@Test
	void casOperationRetriesAfterAConflict() throws Exception {
		client.set(key("k"), 0, "start");
		int[] calls = { 0 };
		boolean done = client.cas(key("k"), 0, new CASOperation<String>() {

			@Override
			public int getMaxTries() {
				return 5;
			}

			@Override
			public String getNewValue(long currentCAS, String currentValue) {
				if (calls[0]++ == 0) {
					// another writer sneaks in between this gets and its cas: the cas answers EXISTS
					try {
						client.set(key("k"), 0, "intruder");
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}
				return currentValue + "+mine";
			}

		});
		assertThat(done).isTrue();
		assertThat(calls[0]).isEqualTo(2);
		assertThat(client.<String>get(key("k"))).isEqualTo("intruder+mine");
	}

	@Test
	void incrAndDecrChangeANumericValue() throws Exception {
		client.set(key("n"), 0, "10");
		assertThat(client.incr(key("n"), 5)).isEqualTo(15);
		assertThat(client.decr(key("n"), 20)).isZero();
		assertThat(client.incr(key("n"), 3)).isEqualTo(3);
	}

	@Test
	void incrWithInitialValueCreatesMissingCounter() throws Exception {
		// xmemcached sends incr, gets NOT_FOUND, then adds the initial value
		assertThat(client.incr(key("n"), 5, 100)).isEqualTo(100);
		assertThat(client.incr(key("n"), 5, 100)).isEqualTo(105);
		assertThat(client.decr(key("d"), 1, 7)).isEqualTo(7);
		assertThat(client.decr(key("d"), 1, 7)).isEqualTo(6);
	}

	@Test
	void incrWrapsAroundAt64BitsAndDecrStopsAtZero() throws Exception {
		client.set(key("n"), 0, "18446744073709551614");
		assertThat(client.incr(key("n"), 3)).isEqualTo(1);
		client.set(key("d"), 0, "3");
		assertThat(client.decr(key("d"), 4)).isZero();
	}

	@Test
	void incrOnNonNumericValueAnswersClientErrorAndKeepsTheConnection() throws Exception {
		client.set(key("n"), 0, "abc");
		assertThatExceptionOfType(MemcachedClientException.class).isThrownBy(() -> client.incr(key("n"), 1))
			.withMessageContaining("cannot increment or decrement non-numeric value");
		assertThat(client.<String>get(key("n"))).isEqualTo("abc");
	}

	@Test
	void valueAboveTheItemSizeLimitAnswersServerErrorAndKeepsTheConnection() throws Exception {
		client.set(key("k"), 0, "small");
		// exactly 1 MiB passes xmemcached's own size check, but with memcached's per-item
		// overhead it no longer fits an item of at most 1 MiB (-I 1m)
		byte[] tooBig = new byte[1024 * 1024];
		assertThatExceptionOfType(MemcachedServerException.class).isThrownBy(() -> client.set(key("k"), 0, tooBig, BYTES))
			.withMessageContaining("object too large for cache");
		// like memcached, the failed set removes the old value rather than leave it stale
		assertThat(client.<String>get(key("k"))).isNull();
		assertThat(client.set(key("after"), 0, "ok")).isTrue();
		assertThat(client.<String>get(key("after"))).isEqualTo("ok");
	}

	@Test
	void noReplyWritesAreAppliedInOrder() throws Exception {
		client.setWithNoReply(key("k"), 0, "v1");
		client.setWithNoReply(key("n"), 0, "10");
		client.addWithNoReply(key("k"), 0, "ignored");
		client.appendWithNoReply(key("k"), "-a");
		client.prependWithNoReply(key("k"), "p-");
		client.incrWithNoReply(key("n"), 5);
		client.decrWithNoReply(key("n"), 2);
		client.setWithNoReply(key("gone"), 0, "x");
		client.deleteWithNoReply(key("gone"));
		client.replaceWithNoReply(key("absent"), 0, "x");
		// a normal request after them sees all of them, and no stray replies confuse the client
		assertThat(client.<String>get(key("k"))).isEqualTo("p-v1-a");
		assertThat(client.<String>get(key("n"))).isEqualTo("13");
		assertThat(client.<String>get(key("gone"))).isNull();
		assertThat(client.<String>get(key("absent"))).isNull();
		assertThat(client.set(key("after"), 0, "ok")).isTrue();
	}

	@Test
	void manyNoReplySetsFollowedByGet() throws Exception {
		for (int i = 0; i < 2000; i++) {
			client.setWithNoReply(key("k"), 0, "v" + i);
		}
		assertThat(client.<String>get(key("k"))).isEqualTo("v1999");
	}

	@Test
	void touchChangesExpiryOfExistingItemOnly() throws Exception {
		client.set(key("k"), 10, "v");
		assertThat(client.touch(key("k"), 100)).isTrue();
		assertThat(client.touch(key("missing"), 100)).isFalse();
		clock.advanceSeconds(50);
		assertThat(client.<String>get(key("k"))).isEqualTo("v");
	}

	@Test
	void getAndTouchIsBinaryOnlyInXmemcachedButGatsAnswersOnTheSameServer() throws Exception {
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> client.getAndTouch(key("k"), 10));
		client.set(key("k"), 5, "v");
		long unique = client.gets(key("k")).getCas();
		try (RawConnection raw = RawConnection.open(server.port())) {
			raw.send("gats 100 " + key("k") + " " + key("missing") + "\r\n");
			assertThat(raw.readRetrieval()).containsExactly(key("k") + " 0 v " + unique);
		}
		clock.advanceSeconds(50);
		assertThat(client.<String>get(key("k"))).isEqualTo("v");
	}

	@Test
	void flushAllRemovesEverything() throws Exception {
		client.set(key("a"), 0, "A");
		client.flushAll();
		assertThat(client.<String>get(key("a"))).isNull();
		client.set(key("b"), 0, "B");
		assertThat(client.<String>get(key("b"))).isEqualTo("B");
	}

	@Test
	void flushAllWithNoReplyRemovesEverything() throws Exception {
		client.set(key("a"), 0, "A");
		client.flushAllWithNoReply();
		assertThat(client.<String>get(key("a"))).isNull();
	}

	@Test
	void versionAndStatsAreReported() throws Exception {
		Map<InetSocketAddress, String> versions = client.getVersions();
		assertThat(versions).hasSize(1);
		assertThat(versions.values().iterator().next()).isNotBlank();
		client.set(key("k"), 0, "v");
		Map<String, String> stats = client.getStats().values().iterator().next();
		assertThat(stats).containsKeys("pid", "uptime", "version", "curr_items", "cmd_get", "cmd_set", "bytes",
				"limit_maxbytes", "curr_connections");
		assertThat(Long.parseLong(stats.get("curr_items"))).isPositive();
		Map<String, String> settings = client.getStatsByItem("settings").values().iterator().next();
		assertThat(settings).containsEntry("item_size_max", "1048576");
		Map<String, String> items = client.getStatsByItem("items").values().iterator().next();
		assertThat(items.keySet()).anyMatch((name) -> name.matches("items:\\d+:number"));
	}

	@Test
	void binaryValuesAndLargeValuesRoundTrip() throws Exception {
		byte[] tricky = "\r\n\0END\r\nVALUE k 0 3\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
		assertThat(client.set(key("tricky"), 0, tricky, BYTES)).isTrue();
		assertThat(client.get(key("tricky"), BYTES)).isEqualTo(tricky);
		byte[] big = new byte[1024 * 1024 - 1024];
		new Random(7).nextBytes(big);
		assertThat(client.set(key("big"), 0, big, BYTES)).isTrue();
		assertThat(client.get(key("big"), BYTES)).isEqualTo(big);
		Map<String, byte[]> both = client.get(List.of(key("tricky"), key("big")), BYTES);
		assertThat(both.get(key("big"))).isEqualTo(big);
		assertThat(both.get(key("tricky"))).isEqualTo(tricky);
	}

	@Test
	void utf8KeysRoundTrip() throws Exception {
		String unicode = key("ключ-键-🔑");
		assertThat(client.set(unicode, 0, "unicode")).isTrue();
		assertThat(client.<String>get(unicode)).isEqualTo("unicode");
		Map<String, String> values = client.get(List.of(unicode, key("plain")));
		assertThat(values).containsOnly(Map.entry(unicode, "unicode"));
	}

}
