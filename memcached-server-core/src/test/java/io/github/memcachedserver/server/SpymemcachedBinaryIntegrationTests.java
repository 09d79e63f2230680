package io.github.memcachedserver.server;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command spymemcached 2.12.3 can send in binary protocol mode (its
 * {@code BinaryConnectionFactory}: Get, GetKQ batches closed by Noop for bulk gets, Set, Add,
 * Replace, Append, Prepend, Delete, Increment/Decrement with and without an initial value, Touch,
 * GAT, Flush, Version, Stat), over a real TCP connection to our server with the built-in store.
 * Each test uses its own keys, so tests share one server and one client.
 * <p>
 * With {@code -Dbinaryclients.memcached=/usr/bin/memcached} the same tests run against the real
 * memcached (tests that move the clock are skipped), which is how they were checked.
 */
@Timeout(30)
class SpymemcachedBinaryIntegrationTests extends ClientWorkout {

	private static final TestClients.SpyBytes BYTES = new TestClients.SpyBytes(0);

	static BinaryTestTarget target;

	static MemcachedClient client;

	@BeforeAll
	static void start() {
		target = BinaryTestTarget.start();
		client = TestClients.spymemcachedBinary(target.port());
	}

	@AfterAll
	static void stop() {
		TestClients.shutdown(client);
		if (target != null) {
			target.close();
		}
	}

	private byte[] getBytes(String key) {
		return client.get(key, BYTES);
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
	void setOverwritesAndReportsTheStatus() throws Exception {
		OperationFuture<Boolean> first = client.set(key("k"), 0, bytes("one"), BYTES);
		assertThat(first.get()).isTrue();
		assertThat(first.getStatus().isSuccess()).isTrue();
		assertThat(first.getCas()).isNotZero();
		OperationFuture<Boolean> second = client.set(key("k"), 0, bytes("two"), BYTES);
		assertThat(second.get()).isTrue();
		assertThat(second.getCas()).isNotZero().isNotEqualTo(first.getCas());
		assertThat(string(getBytes(key("k")))).isEqualTo("two");
	}

	@Test
	void serializedTypesRoundTripThroughTheFlags() throws Exception {
		assertThat(client.set(key("long"), 0, 42L).get()).isTrue();
		assertThat(client.set(key("int"), 0, 7).get()).isTrue();
		assertThat(client.set(key("list"), 0, new ArrayList<>(List.of("a", "b"))).get()).isTrue();
		assertThat(client.get(key("long"))).isEqualTo(42L);
		assertThat(client.get(key("int"))).isEqualTo(7);
		assertThat(client.get(key("list"))).isEqualTo(List.of("a", "b"));
	}

	@Test
	void flagsAreReturnedUnchanged() throws Exception {
		for (int flags : new int[] { 0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000 }) {
			String k = key("f" + flags);
			assertThat(client.set(k, 0, new byte[] { 1 }, new TestClients.SpyBytes(flags)).get()).isTrue();
			assertThat(client.get(k, new FlagsTranscoder())).as("flags %x", flags).isEqualTo(flags);
		}
	}

	@Test
	void getBulkUsesQuietGetsAndReturnsOnlyTheKeysThatExist() throws Exception {
		client.set(key("a"), 0, "A").get();
		client.set(key("b"), 0, "B").get();
		client.set(key("c"), 0, "C").get();
		Map<String, Object> values = client.getBulk(key("a"), key("missing"), key("c"), key("b"), key("other"));
		assertThat(values).containsOnly(Map.entry(key("a"), "A"), Map.entry(key("b"), "B"), Map.entry(key("c"), "C"));
	}

	@Test
	void getBulkWhereNothingExistsIsEmpty() {
		assertThat(client.getBulk(key("x"), key("y"), key("z"))).isEmpty();
	}

	@Test
	void getBulkOfManyKeysReturnsAll() throws Exception {
		List<String> keys = new ArrayList<>();
		Map<String, String> expected = new HashMap<>();
		for (int i = 0; i < 500; i++) {
			keys.add(key("k" + i));
			if (i % 3 != 0) {
				client.set(key("k" + i), 0, "v" + i);
				expected.put(key("k" + i), "v" + i);
			}
		}
		client.set(key("last"), 0, "sync").get();
		Map<String, Object> values = client.getBulk(keys);
		assertThat(values).isEqualTo(expected);
	}

	@Test
	void getsReturnsValueAndCasUniqueThatChangesWithEveryWrite() throws Exception {
		client.set(key("k"), 0, "v1").get();
		CASValue<Object> first = client.gets(key("k"));
		assertThat(first.getValue()).isEqualTo("v1");
		assertThat(first.getCas()).isNotZero();
		assertThat(client.gets(key("k")).getCas()).isEqualTo(first.getCas());
		client.set(key("k"), 0, "v2").get();
		CASValue<Object> second = client.gets(key("k"));
		assertThat(second.getValue()).isEqualTo("v2");
		assertThat(second.getCas()).isNotEqualTo(first.getCas());
	}

	@Test
	void getsOfUnknownKeyReturnsNull() {
		assertThat(client.gets(key("missing"))).isNull();
	}

	@Test
	void casWithCurrentUniqueStoresAndStaleUniqueAnswersExists() throws Exception {
		client.set(key("k"), 0, "v1").get();
		long unique = client.gets(key("k")).getCas();
		assertThat(client.cas(key("k"), unique, "v2")).isEqualTo(CASResponse.OK);
		assertThat(client.get(key("k"))).isEqualTo("v2");
		// the same unique again is stale now
		assertThat(client.cas(key("k"), unique, "v3")).isEqualTo(CASResponse.EXISTS);
		assertThat(client.get(key("k"))).isEqualTo("v2");
	}

	@Test
	void casConflictWithAnotherWriter() throws Exception {
		client.set(key("k"), 0, "base").get();
		long unique = client.gets(key("k")).getCas();
		client.set(key("k"), 0, "other writer").get();
		assertThat(client.cas(key("k"), unique, "mine")).isEqualTo(CASResponse.EXISTS);
		assertThat(client.get(key("k"))).isEqualTo("other writer");
	}

	@Test
	void casOnMissingKeyAnswersNotFound() throws Exception {
		assertThat(client.cas(key("missing"), 12345L, "v")).isEqualTo(CASResponse.NOT_FOUND);
		assertThat(client.get(key("missing"))).isNull();
	}

	@Test
	void asyncCasWithExpiration() throws Exception {
		client.set(key("k"), 0, "v1").get();
		long unique = client.gets(key("k")).getCas();
		assertThat(client.asyncCAS(key("k"), unique, 100, "v2").get()).isEqualTo(CASResponse.OK);
		assertThat(client.get(key("k"))).isEqualTo("v2");
	}

	@Test
	void addStoresOnlyWhenKeyIsAbsent() throws Exception {
		assertThat(client.add(key("k"), 0, "first").get()).isTrue();
		assertThat(client.add(key("k"), 0, "second").get()).isFalse();
		assertThat(client.get(key("k"))).isEqualTo("first");
	}

	@Test
	void replaceStoresOnlyWhenKeyIsPresent() throws Exception {
		assertThat(client.replace(key("k"), 0, "x").get()).isFalse();
		assertThat(client.get(key("k"))).isNull();
		client.set(key("k"), 0, "old").get();
		assertThat(client.replace(key("k"), 0, "new").get()).isTrue();
		assertThat(client.get(key("k"))).isEqualTo("new");
	}

	@Test
	void appendAndPrependExtendAnExistingValueAndKeepTheFlags() throws Exception {
		client.set(key("k"), 0, bytes("middle"), new TestClients.SpyBytes(0x1234)).get();
		assertThat(client.append(key("k"), bytes("-end"), BYTES).get()).isTrue();
		assertThat(client.prepend(key("k"), bytes("start-"), BYTES).get()).isTrue();
		assertThat(string(getBytes(key("k")))).isEqualTo("start-middle-end");
		assertThat(client.get(key("k"), new FlagsTranscoder())).isEqualTo(0x1234);
	}

	@Test
	void appendAndPrependOnMissingKeyAreNotStored() throws Exception {
		assertThat(client.append(key("k"), bytes("x"), BYTES).get()).isFalse();
		assertThat(client.prepend(key("k"), bytes("x"), BYTES).get()).isFalse();
		assertThat(client.get(key("k"))).isNull();
	}

	@Test
	void appendAndPrependWithCasAreCheckedInBinaryMode() throws Exception {
		client.set(key("k"), 0, bytes("b"), BYTES).get();
		long unique = client.gets(key("k"), BYTES).getCas();
		assertThat(client.append(unique, key("k"), bytes("c"), BYTES).get()).isTrue();
		// the append changed the unique: the old one is stale
		assertThat(client.prepend(unique, key("k"), bytes("a"), BYTES).get()).isFalse();
		long current = client.gets(key("k"), BYTES).getCas();
		assertThat(client.prepend(current, key("k"), bytes("a"), BYTES).get()).isTrue();
		assertThat(string(getBytes(key("k")))).isEqualTo("abc");
	}

	@Test
	void deleteRemovesTheItemAndReportsMisses() throws Exception {
		client.set(key("k"), 0, "v").get();
		assertThat(client.delete(key("k")).get()).isTrue();
		assertThat(client.get(key("k"))).isNull();
		assertThat(client.delete(key("k")).get()).isFalse();
	}

	@Test
	void deleteWithCasIsChecked() throws Exception {
		client.set(key("k"), 0, "v").get();
		long unique = client.gets(key("k")).getCas();
		assertThat(client.delete(key("k"), unique + 1000).get()).isFalse();
		assertThat(client.get(key("k"))).isEqualTo("v");
		assertThat(client.delete(key("k"), unique).get()).isTrue();
		assertThat(client.get(key("k"))).isNull();
	}

	@Test
	void incrAndDecrChangeANumericValue() throws Exception {
		client.set(key("n"), 0, bytes("10"), BYTES).get();
		assertThat(client.incr(key("n"), 5)).isEqualTo(15);
		assertThat(client.decr(key("n"), 3)).isEqualTo(12);
		assertThat(string(getBytes(key("n")))).isEqualTo("12");
	}

	@Test
	void incrAndDecrWithoutDefaultOnMissingKeyAnswerMinusOneAndCreateNothing() {
		// without a default spymemcached sends expiration 0xffffffff: "do not create"
		assertThat(client.incr(key("n"), 1)).isEqualTo(-1);
		assertThat(client.decr(key("n"), 1)).isEqualTo(-1);
		assertThat(client.get(key("n"))).isNull();
	}

	@Test
	void incrWithDefaultCreatesTheCounterWithTheInitialValue() throws Exception {
		assertThat(client.incr(key("n"), 5, 100)).isEqualTo(100);
		assertThat(client.incr(key("n"), 5, 100)).isEqualTo(105);
		assertThat(string(getBytes(key("n")))).isEqualTo("105");
		assertThat(client.decr(key("d"), 5, 7)).isEqualTo(7);
		assertThat(client.decr(key("d"), 5, 7)).isEqualTo(2);
	}

	@Test
	void incrWithDefaultAndExpiration() throws Exception {
		assertThat(client.incr(key("n"), 1, 50, 100)).isEqualTo(50);
		assertThat(client.incr(key("n"), 1, 50, 100)).isEqualTo(51);
		if (target.hasClock()) {
			target.clock.advanceSeconds(101);
			assertThat(client.get(key("n"))).isNull();
		}
	}

	@Test
	void asyncIncrAndDecr() throws Exception {
		client.set(key("n"), 0, bytes("1"), BYTES).get();
		Future<Long> incr = client.asyncIncr(key("n"), 41);
		assertThat(incr.get(5, TimeUnit.SECONDS)).isEqualTo(42);
		assertThat(client.asyncDecr(key("n"), 2).get(5, TimeUnit.SECONDS)).isEqualTo(40);
		assertThat(client.asyncIncr(key("missing"), 1).get(5, TimeUnit.SECONDS)).isEqualTo(-1);
		assertThat(client.asyncIncr(key("created"), 1, 9L, 0).get(5, TimeUnit.SECONDS)).isEqualTo(9);
	}

	@Test
	void incrWrapsAroundAt64BitsAndDecrStopsAtZero() throws Exception {
		client.set(key("n"), 0, bytes("18446744073709551615"), BYTES).get();
		assertThat(client.incr(key("n"), 2)).isEqualTo(1);
		client.set(key("d"), 0, bytes("3"), BYTES).get();
		assertThat(client.decr(key("d"), 10)).isEqualTo(0);
	}

	@Test
	void incrOfANonNumericValueFailsAndKeepsTheConnection() throws Exception {
		client.set(key("n"), 0, bytes("abc"), BYTES).get();
		OperationFuture<Long> incr = client.asyncIncr(key("n"), 1);
		assertThat(incr.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
		assertThat(incr.getStatus().isSuccess()).isFalse();
		assertThat(incr.getStatus().getMessage()).isEqualTo("Non-numeric server-side value for incr or decr");
		assertThat(string(getBytes(key("n")))).isEqualTo("abc");
	}

	@Test
	void touchChangesExpiryOfExistingItemOnly() throws Exception {
		client.set(key("k"), 10, "v").get();
		assertThat(client.touch(key("k"), 100).get()).isTrue();
		assertThat(client.touch(key("missing"), 100).get()).isFalse();
		if (target.hasClock()) {
			target.clock.advanceSeconds(50);
			assertThat(client.get(key("k"))).isEqualTo("v");
			target.clock.advanceSeconds(60);
			assertThat(client.get(key("k"))).isNull();
		}
	}

	@Test
	void getAndTouchReturnsTheValueAndCasAndSetsTheExpiry() throws Exception {
		OperationFuture<Boolean> set = client.set(key("k"), 10, "v");
		assertThat(set.get()).isTrue();
		CASValue<Object> value = client.getAndTouch(key("k"), 100);
		assertThat(value.getValue()).isEqualTo("v");
		assertThat(value.getCas()).isNotZero();
		assertThat(client.getAndTouch(key("missing"), 100)).isNull();
		assertThat(client.asyncGetAndTouch(key("k"), 100).get().getValue()).isEqualTo("v");
		if (target.hasClock()) {
			target.clock.advanceSeconds(50);
			assertThat(client.get(key("k"))).isEqualTo("v");
			target.clock.advanceSeconds(60);
			assertThat(client.get(key("k"))).isNull();
		}
	}

	@Test
	void expirationOnSetIsHonoured() throws Exception {
		Assumptions.assumeTrue(target.hasClock(), "needs the adjustable clock");
		client.set(key("k"), 30, "v").get();
		target.clock.advanceSeconds(29);
		assertThat(client.get(key("k"))).isEqualTo("v");
		target.clock.advanceSeconds(2);
		assertThat(client.get(key("k"))).isNull();
	}

	@Test
	void flushRemovesEverything() throws Exception {
		// a server of its own: flushing the shared one would disturb the other tests
		try (BinaryTestTarget own = BinaryTestTarget.start()) {
			MemcachedClient other = TestClients.spymemcachedBinary(own.port());
			try {
				other.set("a", 0, "1").get();
				other.set("b", 0, "2").get();
				assertThat(other.flush().get()).isTrue();
				assertThat(other.getBulk("a", "b")).isEmpty();
				other.set("c", 0, "3").get();
				assertThat(other.get("c")).isEqualTo("3");
			}
			finally {
				TestClients.shutdown(other);
			}
		}
	}

	@Test
	void flushWithDelayIsSentWithDelayZeroByTheClient() throws Exception {
		// spymemcached 2.12.3's binary Flush carries 4 bytes of extras but always writes 0 there
		// (captured on the wire: 80 08 0000 04 00 0000 00000004 ... 00000000), so flush(30) empties
		// the cache at once, on memcached 1.6.18 as on ours; the delayed binary Flush itself is
		// covered by the differential case bin-flush-delayed
		try (BinaryTestTarget own = BinaryTestTarget.start()) {
			MemcachedClient other = TestClients.spymemcachedBinary(own.port());
			try {
				other.set("a", 0, "1").get();
				assertThat(other.flush(30).get()).isTrue();
				assertThat(other.get("a")).isNull();
				other.set("b", 0, "2").get();
				assertThat(other.get("b")).isEqualTo("2");
			}
			finally {
				TestClients.shutdown(other);
			}
		}
	}

	@Test
	void versionIsReported() {
		Map<SocketAddress, String> versions = client.getVersions();
		assertThat(versions).hasSize(1);
		assertThat(versions.values().iterator().next()).matches("\\d+\\.\\d+\\.\\d+.*");
	}

	@Test
	void generalStatsAreReported() throws Exception {
		client.set(key("k"), 0, "v").get();
		client.get(key("k"));
		Map<String, String> stats = client.getStats().values().iterator().next();
		assertThat(stats).containsKeys("pid", "uptime", "time", "version", "curr_connections", "total_connections",
				"cmd_get", "cmd_set", "get_hits", "get_misses", "curr_items", "total_items");
		assertThat(Long.parseLong(stats.get("cmd_set"))).isPositive();
		assertThat(Long.parseLong(stats.get("get_hits"))).isPositive();
		assertThat(stats.get("version")).isEqualTo(client.getVersions().values().iterator().next());
	}

	@Test
	void settingsStatsDescribeTheItemSizeLimit() {
		Map<String, String> settings = client.getStats("settings").values().iterator().next();
		assertThat(settings).containsEntry("item_size_max", "1048576");
	}

	@Test
	void itemsStatsCountItems() throws Exception {
		client.set(key("k"), 0, "v").get();
		Map<String, String> items = client.getStats("items").values().iterator().next();
		assertThat(items).isNotEmpty();
		assertThat(items.keySet()).allMatch((name) -> name.startsWith("items:"));
	}

	@Test
	void unknownStatsGroupAnswersNothing() {
		Map<String, String> stats = client.getStats("nonexistent").values().iterator().next();
		assertThat(stats).isEmpty();
		// the connection still works
		assertThat(client.get(key("missing"))).isNull();
	}

	@Test
	void asyncSetsWithoutWaitingAreAllAppliedBeforeALaterGet() throws Exception {
		List<Future<Boolean>> futures = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			futures.add(client.set(key("k"), 0, "v" + i));
		}
		for (Future<Boolean> f : futures) {
			assertThat(f.get()).isTrue();
		}
		assertThat(client.get(key("k"))).isEqualTo("v199");
	}

	@Test
	void binaryValuesAreStoredByteForByte() throws Exception {
		byte[] all = new byte[256 * 4];
		for (int i = 0; i < all.length; i++) {
			all[i] = (byte) i;
		}
		assertThat(client.set(key("all"), 0, all, BYTES).get()).isTrue();
		assertThat(getBytes(key("all"))).isEqualTo(all);
		byte[] crlf = bytes("\r\nEND\r\nVALUE x 0 1\r\n\0");
		client.set(key("crlf"), 0, crlf, BYTES).get();
		assertThat(getBytes(key("crlf"))).isEqualTo(crlf);
		assertThat(client.set(key("empty"), 0, new byte[0], BYTES).get()).isTrue();
		assertThat(getBytes(key("empty"))).isEmpty();
	}

	@Test
	void valuesNearOneMebibyteRoundTrip() throws Exception {
		Random random = new Random(42);
		String k = key("big");
		// key + value + 59 <= 1048576 (flags 0), as in memcached
		byte[] largest = new byte[1048576 - 59 - k.length()];
		random.nextBytes(largest);
		assertThat(client.set(k, 0, largest, BYTES).get()).isTrue();
		assertThat(getBytes(k)).isEqualTo(largest);
		byte[] half = Arrays.copyOf(largest, 512 * 1024);
		assertThat(client.set(key("half"), 0, half, BYTES).get()).isTrue();
		assertThat(getBytes(key("half"))).isEqualTo(half);
	}

	@Test
	void valueAboveTheItemSizeLimitIsRefusedAndTheConnectionKeepsWorking() throws Exception {
		String k = key("big");
		client.set(k, 0, bytes("old"), BYTES).get();
		byte[] tooLarge = new byte[1048576 - 59 - k.length() + 1];
		OperationFuture<Boolean> set = client.set(k, 0, tooLarge, BYTES);
		assertThat(set.get()).isFalse();
		assertThat(set.getStatus().getMessage()).isEqualTo("Too large.");
		// like memcached, a set that is too large removes the old value
		assertThat(getBytes(k)).isNull();
		assertThat(client.set(key("after"), 0, "ok").get()).isTrue();
		assertThat(client.get(key("after"))).isEqualTo("ok");
	}

	@Test
	void utf8AndLongKeys() throws Exception {
		String utf8 = key("ключ-鍵-🔑");
		client.set(utf8, 0, "unicode").get();
		assertThat(client.get(utf8)).isEqualTo("unicode");
		String longest = "L".repeat(250);
		assertThat(client.set(longest, 0, "v").get()).isTrue();
		assertThat(client.get(longest)).isEqualTo("v");
	}

	/** Reads only the flags of an item. */
	static final class FlagsTranscoder implements net.spy.memcached.transcoders.Transcoder<Integer> {

		@Override
		public boolean asyncDecode(net.spy.memcached.CachedData data) {
			return false;
		}

		@Override
		public net.spy.memcached.CachedData encode(Integer o) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Integer decode(net.spy.memcached.CachedData data) {
			return data.getFlags();
		}

		@Override
		public int getMaxSize() {
			return 2 * 1024 * 1024;
		}

	}

}
