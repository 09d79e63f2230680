package io.github.memcachedserver.server;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every text-protocol command spymemcached 2.12.3 can send, over a real TCP connection to a
 * server backed by the built-in store. Each test uses its own keys, so tests share one server
 * and one client.
 * <p>
 * spymemcached treats a {@code SERVER_ERROR} or {@code CLIENT_ERROR} line in text mode as a
 * broken connection (it reconnects and cancels every pending operation), so error answers are
 * exercised with xmemcached and raw sockets instead. spymemcached never sends {@code noreply}
 * and refuses {@code getAndTouch} in text mode.
 */
@Timeout(30)
class SpymemcachedIntegrationTests extends ClientWorkout {

	private static final TestClients.SpyBytes BYTES = new TestClients.SpyBytes(0);

	private static AdjustableClock clock;

	private static MemcachedServer server;

	private static MemcachedClient client;

	@BeforeAll
	static void startServer() {
		clock = AdjustableClock.startingNow();
		ConcurrentMapMemcachedStore store = ConcurrentMapMemcachedStore.builder().clock(clock).build();
		server = MemcachedServer.builder().handler(store).listen(ListenAddress.parse("127.0.0.1:0")).build();
		server.start();
		client = TestClients.spymemcached(server.port());
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
		assertThat(client.set(key("k"), 0, "hello").get()).isTrue();
		assertThat(client.get(key("k"))).isEqualTo("hello");
	}

	@Test
	void getOfUnknownKeyReturnsNull() {
		assertThat(client.get(key("missing"))).isNull();
	}

	@Test
	void setOverwritesExistingValue() throws Exception {
		client.set(key("k"), 0, "one").get();
		assertThat(client.set(key("k"), 0, "two").get()).isTrue();
		assertThat(client.get(key("k"))).isEqualTo("two");
	}

	@Test
	void flagsSurviveTheRoundTrip() throws Exception {
		// the serializing transcoder encodes the Java type in the flags: a Long comes back as a Long
		assertThat(client.set(key("long"), 0, 42L).get()).isTrue();
		assertThat(client.set(key("int"), 0, 7).get()).isTrue();
		assertThat(client.set(key("list"), 0, new ArrayList<>(List.of("a", "b"))).get()).isTrue();
		assertThat(client.get(key("long"))).isEqualTo(42L);
		assertThat(client.get(key("int"))).isEqualTo(7);
		assertThat(client.get(key("list"))).isEqualTo(List.of("a", "b"));
		assertThat(client.set(key("raw"), 0, new byte[] { 1, 2 }, new TestClients.SpyBytes(0x7FFFFFFF)).get()).isTrue();
		assertThat(client.gets(key("raw"), new FlagsTranscoder()).getValue()).isEqualTo(0x7FFFFFFF);
	}

	@Test
	void getBulkReturnsOnlyTheKeysThatExist() throws Exception {
		client.set(key("a"), 0, "A").get();
		client.set(key("b"), 0, "B").get();
		client.set(key("c"), 0, "C").get();
		Map<String, Object> values = client.getBulk(key("a"), key("missing"), key("c"), key("b"));
		assertThat(values).containsOnly(Map.entry(key("a"), "A"), Map.entry(key("b"), "B"), Map.entry(key("c"), "C"));
	}

	@Test
	void getBulkOfManyKeysReturnsAll() throws Exception {
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			keys.add(key("k" + i));
			client.set(key("k" + i), 0, "v" + i);
		}
		assertThat(client.set(key("sync"), 0, "x").get()).isTrue();
		Map<String, Object> values = client.getBulk(keys);
		assertThat(values).hasSize(300);
		assertThat(values.get(key("k299"))).isEqualTo("v299");
	}

	@Test
	void getsReturnsValueAndCasUnique() throws Exception {
		client.set(key("k"), 0, "v").get();
		CASValue<Object> first = client.gets(key("k"));
		assertThat(first.getValue()).isEqualTo("v");
		assertThat(first.getCas()).isNotZero();
		client.set(key("k"), 0, "w").get();
		CASValue<Object> second = client.gets(key("k"));
		assertThat(second.getValue()).isEqualTo("w");
		assertThat(second.getCas()).isNotEqualTo(first.getCas());
	}

	@Test
	void getsOfUnknownKeyReturnsNull() {
		assertThat(client.gets(key("missing"))).isNull();
	}

	@Test
	void casWithCurrentUniqueStores() throws Exception {
		client.set(key("k"), 0, "v1").get();
		CASValue<Object> read = client.gets(key("k"));
		assertThat(client.cas(key("k"), read.getCas(), "v2")).isEqualTo(CASResponse.OK);
		assertThat(client.get(key("k"))).isEqualTo("v2");
	}

	@Test
	void casWithStaleUniqueAnswersExists() throws Exception {
		client.set(key("k"), 0, "v1").get();
		CASValue<Object> read = client.gets(key("k"));
		client.set(key("k"), 0, "changed").get();
		assertThat(client.cas(key("k"), read.getCas(), "v2")).isEqualTo(CASResponse.EXISTS);
		assertThat(client.get(key("k"))).isEqualTo("changed");
	}

	@Test
	void casTwiceWithSameUniqueSucceedsOnlyOnce() throws Exception {
		client.set(key("k"), 0, "v1").get();
		long unique = client.gets(key("k")).getCas();
		assertThat(client.cas(key("k"), unique, "v2")).isEqualTo(CASResponse.OK);
		assertThat(client.cas(key("k"), unique, "v3")).isEqualTo(CASResponse.EXISTS);
		assertThat(client.get(key("k"))).isEqualTo("v2");
	}

	@Test
	void casOnMissingKeyAnswersNotFound() throws Exception {
		client.set(key("k"), 0, "v1").get();
		long unique = client.gets(key("k")).getCas();
		client.delete(key("k")).get();
		assertThat(client.cas(key("k"), unique, "v2")).isEqualTo(CASResponse.NOT_FOUND);
		assertThat(client.get(key("k"))).isNull();
	}

	@Test
	void addStoresOnlyWhenKeyIsAbsent() throws Exception {
		assertThat(client.add(key("k"), 0, "first").get()).isTrue();
		assertThat(client.add(key("k"), 0, "second").get()).isFalse();
		assertThat(client.get(key("k"))).isEqualTo("first");
	}

	@Test
	void replaceStoresOnlyWhenKeyIsPresent() throws Exception {
		assertThat(client.replace(key("k"), 0, "first").get()).isFalse();
		assertThat(client.get(key("k"))).isNull();
		client.set(key("k"), 0, "old").get();
		assertThat(client.replace(key("k"), 0, "new").get()).isTrue();
		assertThat(client.get(key("k"))).isEqualTo("new");
	}

	@Test
	void appendAndPrependExtendAnExistingValue() throws Exception {
		client.set(key("k"), 0, "middle").get();
		assertThat(client.append(key("k"), "-end").get()).isTrue();
		assertThat(client.prepend(key("k"), "start-").get()).isTrue();
		assertThat(client.get(key("k"))).isEqualTo("start-middle-end");
	}

	@Test
	void appendAndPrependKeepTheItemsFlags() throws Exception {
		TestClients.SpyBytes flagged = new TestClients.SpyBytes(1234);
		client.set(key("k"), 0, "b".getBytes(StandardCharsets.UTF_8), flagged).get();
		client.append(key("k"), "c".getBytes(StandardCharsets.UTF_8), BYTES).get();
		client.prepend(key("k"), "a".getBytes(StandardCharsets.UTF_8), BYTES).get();
		assertThat(client.gets(key("k"), new FlagsTranscoder()).getValue()).isEqualTo(1234);
		assertThat(client.get(key("k"), BYTES)).asString(StandardCharsets.UTF_8).isEqualTo("abc");
	}

	@Test
	void appendAndPrependOnMissingKeyAreNotStored() throws Exception {
		assertThat(client.append(key("k"), "x").get()).isFalse();
		assertThat(client.prepend(key("k"), "x").get()).isFalse();
		assertThat(client.get(key("k"))).isNull();
	}

	@Test
	void appendWithCasArgumentIsAPlainAppendInTextMode() throws Exception {
		client.set(key("k"), 0, "a").get();
		long unique = client.gets(key("k")).getCas();
		// spymemcached's append(cas, ...) still sends a plain append in text mode: it succeeds
		assertThat(client.append(unique, key("k"), "b").get()).isTrue();
		assertThat(client.get(key("k"))).isEqualTo("ab");
	}

	@Test
	void deleteRemovesTheItem() throws Exception {
		client.set(key("k"), 0, "v").get();
		assertThat(client.delete(key("k")).get()).isTrue();
		assertThat(client.get(key("k"))).isNull();
		assertThat(client.delete(key("k")).get()).isFalse();
	}

	@Test
	void incrAndDecrChangeANumericValue() throws Exception {
		client.set(key("n"), 0, "10").get();
		assertThat(client.incr(key("n"), 5)).isEqualTo(15);
		assertThat(client.decr(key("n"), 3)).isEqualTo(12);
		assertThat(client.get(key("n"))).isEqualTo("12");
	}

	@Test
	void incrAndDecrOfMissingKeyAnswerNotFound() {
		// spymemcached reports NOT_FOUND as -1
		assertThat(client.incr(key("missing"), 1)).isEqualTo(-1);
		assertThat(client.decr(key("missing"), 1)).isEqualTo(-1);
		assertThat(client.get(key("missing"))).isNull();
	}

	@Test
	void incrWithDefaultCreatesTheValueWithAdd() {
		// text mode: incr answers NOT_FOUND, then spymemcached sends "add key 0 0 1\r\n7"
		assertThat(client.incr(key("n"), 5, 7)).isEqualTo(7);
		assertThat(client.incr(key("n"), 5, 7)).isEqualTo(12);
		assertThat(client.decr(key("d"), 5, 100, 0)).isEqualTo(100);
		assertThat(client.decr(key("d"), 5, 100, 0)).isEqualTo(95);
		assertThat(client.get(key("n"))).isEqualTo("12");
	}

	@Test
	void asyncIncrAndDecrAnswerTheNewValue() throws Exception {
		// spymemcached offers defaults only on the sync variants in text mode
		client.set(key("n"), 0, "40").get();
		assertThat(client.asyncIncr(key("n"), 2).get()).isEqualTo(42);
		assertThat(client.asyncDecr(key("n"), 50).get()).isEqualTo(0);
		assertThat(client.asyncIncr(key("missing"), 2).get()).isEqualTo(-1);
	}

	@Test
	void incrWrapsAroundAt64Bits() throws Exception {
		client.set(key("n"), 0, "18446744073709551615").get();
		assertThat(client.incr(key("n"), 2)).isEqualTo(1);
		// memcached rewrites the value in place, padding the shorter number with spaces
		assertThat(client.get(key("n"))).isEqualTo("1" + " ".repeat(19));
		assertThat(client.incr(key("n"), 1)).isEqualTo(2);
	}

	@Test
	void decrStopsAtZero() throws Exception {
		client.set(key("n"), 0, "5").get();
		assertThat(client.decr(key("n"), 10)).isZero();
		assertThat(client.get(key("n"))).isEqualTo("0");
	}

	@Test
	void decrToFewerDigitsPadsWithSpacesLikeMemcached() throws Exception {
		client.set(key("n"), 0, "100").get();
		assertThat(client.decr(key("n"), 95)).isEqualTo(5);
		assertThat(client.get(key("n"))).isEqualTo("5  ");
		assertThat(client.incr(key("n"), 1)).isEqualTo(6);
	}

	@Test
	void touchChangesExpiryOfExistingItemOnly() throws Exception {
		client.set(key("k"), 10, "v").get();
		assertThat(client.touch(key("k"), 100).get()).isTrue();
		assertThat(client.touch(key("missing"), 100).get()).isFalse();
		clock.advanceSeconds(50);
		assertThat(client.get(key("k"))).isEqualTo("v");
	}

	@Test
	void getAndTouchIsNotAvailableInSpymemcachedTextModeButGatWorksOnTheSameServer() throws Exception {
		// spymemcached refuses getAndTouch in ASCII mode before sending anything
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> client.getAndTouch(key("k"), 10));
		client.set(key("k"), 5, "v").get();
		try (RawConnection raw = RawConnection.open(server.port())) {
			raw.send("gat 100 " + key("k") + "\r\n");
			assertThat(raw.readRetrieval()).containsExactly(key("k") + " 0 v");
		}
		clock.advanceSeconds(50);
		assertThat(client.get(key("k"))).isEqualTo("v");
	}

	@Test
	void flushRemovesEverything() throws Exception {
		client.set(key("a"), 0, "A").get();
		client.set(key("b"), 0, "B").get();
		assertThat(client.flush().get()).isTrue();
		assertThat(client.getBulk(key("a"), key("b"))).isEmpty();
		assertThat(client.set(key("c"), 0, "C").get()).isTrue();
		assertThat(client.get(key("c"))).isEqualTo("C");
	}

	@Test
	void flushWithDelayRemovesEverythingOnceTheDelayPasses() throws Exception {
		client.set(key("a"), 0, "A").get();
		assertThat(client.flush(30).get()).isTrue();
		try {
			assertThat(client.get(key("a"))).isEqualTo("A");
			clock.advanceSeconds(28);
			assertThat(client.get(key("a"))).isEqualTo("A");
			// memcached invalidates items written up to the second before the deadline
			clock.advanceSeconds(3);
			assertThat(client.get(key("a"))).isNull();
			assertThat(client.set(key("b"), 0, "B").get()).isTrue();
			assertThat(client.get(key("b"))).isEqualTo("B");
		}
		finally {
			// never leave a pending flush that would swallow the next tests' items
			clock.advanceSeconds(40);
		}
	}

	@Test
	void versionIsReported() {
		Map<SocketAddress, String> versions = client.getVersions();
		assertThat(versions).hasSize(1);
		assertThat(versions.values().iterator().next()).matches("\\d+\\.\\d+\\.\\d+.*");
	}

	@Test
	void generalStatsCountCommands() throws Exception {
		Map<String, String> before = stats(null);
		client.set(key("k"), 0, "v").get();
		client.get(key("k"));
		client.get(key("missing"));
		Map<String, String> after = stats(null);
		assertThat(after).containsKeys("pid", "uptime", "time", "version", "curr_connections", "total_connections",
				"cmd_get", "cmd_set", "get_hits", "get_misses", "curr_items", "total_items", "bytes", "evictions",
				"limit_maxbytes");
		assertThat(delta(before, after, "cmd_set")).isEqualTo(1);
		assertThat(delta(before, after, "cmd_get")).isEqualTo(2);
		assertThat(delta(before, after, "get_hits")).isEqualTo(1);
		assertThat(delta(before, after, "get_misses")).isEqualTo(1);
		assertThat(Long.parseLong(after.get("curr_items"))).isPositive();
		assertThat(Long.parseLong(after.get("curr_connections"))).isPositive();
		assertThat(Long.parseLong(after.get("limit_maxbytes"))).isEqualTo(64L * 1024 * 1024);
		assertThat(after.get("time")).matches("\\d+");
	}

	@Test
	void settingsStatsDescribeTheLimits() {
		Map<String, String> settings = stats("settings");
		assertThat(settings).containsEntry("maxbytes", String.valueOf(64L * 1024 * 1024))
			.containsEntry("item_size_max", "1048576")
			.containsEntry("evictions", "on")
			.containsEntry("cas_enabled", "yes");
	}

	@Test
	void itemsStatsCountItems() throws Exception {
		client.set(key("k"), 0, "v").get();
		Map<String, String> items = stats("items");
		assertThat(items).isNotEmpty();
		assertThat(items.keySet()).anyMatch((name) -> name.matches("items:\\d+:number"));
	}

	@Test
	void slabsStatsAreAnswered() throws Exception {
		client.set(key("k"), 0, "v").get();
		Map<String, String> slabs = stats("slabs");
		assertThat(slabs).containsKeys("active_slabs", "total_malloced");
	}

	@Test
	void connsStatsListTheClientConnection() {
		Map<String, String> conns = stats("conns");
		assertThat(conns.entrySet()).anyMatch((entry) -> entry.getKey().matches("\\d+:addr") && entry.getValue().startsWith("tcp:"));
		assertThat(conns.keySet()).anyMatch((name) -> name.matches("\\d+:state"));
	}

	@Test
	void asyncSetsWithoutWaitingAreAllAppliedBeforeALaterGet() throws Exception {
		// spymemcached has no noreply in text mode; fire-and-forget is pipelining without waiting
		List<Future<Boolean>> writes = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			writes.add(client.set(key("k"), 0, "v" + i));
		}
		assertThat(client.get(key("k"))).isEqualTo("v499");
		for (Future<Boolean> write : writes) {
			assertThat(write.get(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void binaryValuesAreStoredByteForByte() throws Exception {
		byte[] tricky = "a\r\nEND\r\n\0VALUE x 0 1\r\nb\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
		assertThat(client.set(key("tricky"), 0, tricky, BYTES).get()).isTrue();
		assertThat(client.get(key("tricky"), BYTES)).isEqualTo(tricky);
		byte[] all = new byte[256 * 4];
		for (int i = 0; i < all.length; i++) {
			all[i] = (byte) i;
		}
		assertThat(client.set(key("all"), 0, all, BYTES).get()).isTrue();
		assertThat(client.get(key("all"), BYTES)).isEqualTo(all);
		assertThat(client.set(key("empty"), 0, new byte[0], BYTES).get()).isTrue();
		assertThat(client.get(key("empty"), BYTES)).isEmpty();
		Map<String, byte[]> both = client.getBulk(BYTES, key("tricky"), key("all"));
		assertThat(both.get(key("tricky"))).isEqualTo(tricky);
		assertThat(both.get(key("all"))).isEqualTo(all);
	}

	@Test
	void defaultTranscoderByteArraysAndCompressedStringsRoundTrip() throws Exception {
		byte[] bytes = { 0, 13, 10, 0, (byte) 0xFF };
		client.set(key("bytes"), 0, bytes).get();
		assertThat(client.get(key("bytes"))).isEqualTo(bytes);
		// above 16 KiB spymemcached gzips the value and marks it in the flags
		String big = "compressible ".repeat(5000);
		client.set(key("big"), 0, big).get();
		assertThat(client.get(key("big"))).isEqualTo(big);
	}

	@Test
	void valuesNearOneMebibyteRoundTrip() throws Exception {
		byte[] value = new byte[1024 * 1024 - 1024];
		new Random(42).nextBytes(value);
		assertThat(client.set(key("big"), 0, value, BYTES).get()).isTrue();
		assertThat(client.get(key("big"), BYTES)).isEqualTo(value);
		assertThat(client.gets(key("big"), BYTES).getValue()).isEqualTo(value);
	}

	@Test
	void utf8KeysAreDistinctAndRoundTrip() throws Exception {
		String[] keys = { key("ключ"), key("键"), key("clé"), key("🔑"), key("e\u0301") };
		for (int i = 0; i < keys.length; i++) {
			assertThat(client.set(keys[i], 0, "value-" + i).get()).isTrue();
		}
		for (int i = 0; i < keys.length; i++) {
			assertThat(client.get(keys[i])).isEqualTo("value-" + i);
		}
		Map<String, Object> bulk = client.getBulk(Arrays.asList(keys));
		assertThat(bulk).hasSize(keys.length).containsEntry(key("🔑"), "value-3");
		// "é" precomposed and decomposed are different byte strings, so different keys
		assertThat(client.get(key("\u00e9"))).isNull();
	}

	@Test
	void longestAllowedKeyWorks() throws Exception {
		String longKey = key("x").concat("y".repeat(250 - key("x").length()));
		assertThat(longKey).hasSize(250);
		assertThat(client.set(longKey, 0, "v").get()).isTrue();
		assertThat(client.get(longKey)).isEqualTo("v");
	}

	private static Map<String, String> stats(String argument) {
		Map<SocketAddress, Map<String, String>> all = (argument != null) ? client.getStats(argument) : client.getStats();
		assertThat(all).hasSize(1);
		return all.values().iterator().next();
	}

	private static long delta(Map<String, String> before, Map<String, String> after, String name) {
		return Long.parseLong(after.get(name)) - Long.parseLong(before.get(name));
	}

	/** Decodes only the flags, to check what the server kept. */
	private static final class FlagsTranscoder implements net.spy.memcached.transcoders.Transcoder<Integer> {

		@Override
		public boolean asyncDecode(net.spy.memcached.CachedData data) {
			return false;
		}

		@Override
		public net.spy.memcached.CachedData encode(Integer value) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Integer decode(net.spy.memcached.CachedData data) {
			return data.getFlags();
		}

		@Override
		public int getMaxSize() {
			return Integer.MAX_VALUE;
		}

	}

}
