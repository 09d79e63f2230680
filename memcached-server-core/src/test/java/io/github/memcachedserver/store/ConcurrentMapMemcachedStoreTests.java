package io.github.memcachedserver.store;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MemcachedHandlers;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.internal.StoreAccess;
import io.github.memcachedserver.internal.LendingStore;
import io.github.memcachedserver.internal.LentItem;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ConcurrentMapMemcachedStoreTests {

	private static final Session SESSION = new Session(1, null, null);

	private final SteppingClock clock = new SteppingClock();

	private final ConcurrentMapMemcachedStore store = ConcurrentMapMemcachedStore.builder().clock(this.clock).build();

	@Test
	void thePublicStoreShowsNoInternalType() {
		for (Class<?> type : List.of(ConcurrentMapMemcachedStore.class, ConcurrentMapMemcachedStore.Builder.class)) {
			List<Class<?>> shown = new ArrayList<>(List.of(type.getInterfaces()));
			shown.add(type.getSuperclass());
			for (Method method : type.getMethods()) {
				shown.add(method.getReturnType());
				shown.addAll(List.of(method.getParameterTypes()));
			}
			for (Constructor<?> constructor : type.getConstructors()) {
				shown.addAll(List.of(constructor.getParameterTypes()));
			}
			for (Field field : type.getFields()) {
				shown.add(field.getType());
			}
			assertThat(shown).as("types in the API of %s", type.getSimpleName())
				.noneMatch((shownType) -> shownType.getPackageName().startsWith("io.github.memcachedserver.internal"));
		}
	}

	@Test
	void theServerReachesTheLendingSideThroughTheInternalAccessor() {
		set("k", "value", 0);
		LendingStore lender = StoreAccess.lending(this.store);
		assertThat(lender).isNotNull();
		LentItem lent = lender.lend(Key.of("k"));
		try {
			assertThat(lent.value().toString(StandardCharsets.US_ASCII)).isEqualTo("value");
		}
		finally {
			lent.value().release();
		}
		// a handler wrapping the store reads through the SPI, which copies
		MemcachedCommandHandler wrapped = MemcachedHandlers.offEventLoop(this.store, Schedulers.immediate());
		assertThat(StoreAccess.lending(wrapped)).isNull();
	}

	@Test
	void behindARouterTheKeysOfTheStoreAreLentAndReceivedAndTheRoutedKeysAreNot() {
		MemcachedCommandHandler database = MemcachedHandlers.offEventLoop(this.store, Schedulers.immediate());
		PrefixRoutingHandler router = PrefixRoutingHandler.of(Map.of("product:", database), this.store);
		LendingStore lender = StoreAccess.lending(this.store);
		assertThat(StoreAccess.lending(router, Key.of("session:1"))).isSameAs(lender);
		assertThat(StoreAccess.lending(router, Key.of("product:1"))).isNull();
		assertThat(StoreAccess.lending(router, List.of(Key.of("a"), Key.of("b")))).isSameAs(lender);
		// a multi-key read that spans routes goes through the router, which splits it
		assertThat(StoreAccess.lending(router, List.of(Key.of("a"), Key.of("product:1")))).isNull();
		// values of the store's keys arrive in its memory; the routed handler's on the heap
		assertThat(StoreAccess.receiving(router, Key.of("session:1"))).isNotNull();
		assertThat(StoreAccess.receiving(router, Key.of("product:1"))).isNull();
	}

	@Test
	void relativeExpiryEndsAfterTheGivenSeconds() {
		set("k", "v", 10);
		this.clock.advance(9);
		assertThat(get("k")).isEqualTo("v");
		this.clock.advance(1);
		assertThat(get("k")).isNull();
		assertThat(this.store.expiredReads()).isEqualTo(1);
		assertThat(this.store.itemCount()).isZero();
		assertThat(this.store.bytesUsed()).isZero();
	}

	@Test
	void exptimeBeyondThirtyDaysIsAnAbsoluteUnixTime() {
		long now = this.clock.instant().getEpochSecond();
		set("k", "v", now + 5);
		this.clock.advance(4);
		assertThat(get("k")).isEqualTo("v");
		this.clock.advance(1);
		assertThat(get("k")).isNull();
	}

	@Test
	void negativeExptimeIsExpiredAtOnce() {
		set("k", "v", -1);
		assertThat(get("k")).isNull();
	}

	@Test
	void immediateFlushInvalidatesEverythingWrittenBefore() {
		set("old", "v", 0);
		set("older", "v", 0);
		this.store.flushAll(SESSION, 0).block();
		assertThat(get("old")).isNull();
		assertThat(this.store.flushedReads()).isEqualTo(1);
		set("new", "v", 0);
		assertThat(get("new")).isEqualTo("v");
		assertThat(get("older")).isNull();
	}

	@Test
	void delayedFlushTakesEffectASecondBeforeItsDeadlineAsInMemcached() {
		set("k", "v", 0);
		this.store.flushAll(SESSION, 3).block();
		this.clock.advance(1);
		assertThat(get("k")).isEqualTo("v");
		this.clock.advance(1);
		assertThat(get("k")).isNull();
	}

	@Test
	void casSucceedsOnlyWithTheCurrentUnique() {
		set("k", "v", 0);
		long cas = this.store.get(SESSION, Key.of("k")).block().cas();
		StepVerifier.create(this.store.cas(SESSION, Key.of("k"), entry("w", 0), cas + 1))
			.expectNext(StoreResult.EXISTS)
			.verifyComplete();
		StoreResult stored = this.store.cas(SESSION, Key.of("k"), entry("w", 0), cas).block();
		// the write tells the new unique, the one a read now sees
		assertThat(stored.isStored()).isTrue();
		assertThat(stored.cas()).isNotEqualTo(cas).isEqualTo(this.store.get(SESSION, Key.of("k")).block().cas());
		StepVerifier.create(this.store.cas(SESSION, Key.of("gone"), entry("w", 0), cas))
			.expectNext(StoreResult.NOT_FOUND)
			.verifyComplete();
	}

	@Test
	void decrementKeepsTheLengthPaddedWithSpacesLikeMemcached() {
		set("n", "100", 0);
		assertThat(this.store.decrement(SESSION, Key.of("n"), 1).block()).isEqualTo(99);
		assertThat(get("n")).isEqualTo("99 ");
		assertThat(this.store.decrement(SESSION, Key.of("n"), 1000).block()).isZero();
		assertThat(this.store.increment(SESSION, Key.of("n"), -1L).block()).isEqualTo(-1L);
		assertThat(get("n")).isEqualTo("18446744073709551615");
		assertThat(this.store.increment(SESSION, Key.of("n"), 2).block()).isEqualTo(1);
	}

	@Test
	void arithmeticOnTextIsAClientError() {
		set("t", "12abc", 0);
		assertThatExceptionOfType(ClientErrorException.class)
			.isThrownBy(() -> this.store.increment(SESSION, Key.of("t"), 1).block())
			.withMessage("cannot increment or decrement non-numeric value");
	}

	@Test
	void appendKeepsFlagsAndRefusesAMissingKey() {
		this.store.set(SESSION, Key.of("k"), new Entry(bytes("ab"), 7, 0)).block();
		assertThat(this.store.append(SESSION, Key.of("k"), bytes("cd")).block().status()).isEqualTo(StoreResult.Status.STORED);
		assertThat(this.store.prepend(SESSION, Key.of("k"), bytes("__")).block().status())
			.isEqualTo(StoreResult.Status.STORED);
		Item item = this.store.get(SESSION, Key.of("k")).block();
		assertThat(new String(item.value(), StandardCharsets.US_ASCII)).isEqualTo("__abcd");
		assertThat(item.flags()).isEqualTo(7);
		assertThat(this.store.append(SESSION, Key.of("none"), bytes("x")).block()).isEqualTo(StoreResult.NOT_STORED);
	}

	@Test
	void evictsLeastRecentlyUsedItemsToStayWithinTheLimit() {
		ConcurrentMapMemcachedStore small = ConcurrentMapMemcachedStore.builder().memoryLimit(64 * 1024).build();
		byte[] value = new byte[1000];
		small.set(SESSION, Key.of("hot"), new Entry(value, 0, 0)).block();
		for (int i = 0; i < 1000; i++) {
			small.set(SESSION, Key.of("k" + i), new Entry(value, 0, 0)).block();
			small.get(SESSION, Key.of("hot")).block();
			assertThat(small.bytesUsed()).isLessThanOrEqualTo(64 * 1024);
		}
		assertThat(small.evictions()).isGreaterThan(900);
		assertThat(small.get(SESSION, Key.of("hot")).block()).isNotNull();
		assertThat(small.get(SESSION, Key.of("k999")).block()).isNotNull();
		assertThat(small.get(SESSION, Key.of("k0")).block()).isNull();
	}

	@Test
	void everySizeFindsRoomInAStoreFullOfAnother() {
		ConcurrentMapMemcachedStore full = ConcurrentMapMemcachedStore.builder().memoryLimit(4 * 1024 * 1024).build();
		for (int i = 0; i < 500; i++) {
			full.set(SESSION, Key.of("large" + i), new Entry(new byte[32 * 1024], 0, 0)).block();
		}
		// each new size class takes a page from the large items' class, evicting its items
		for (int size = 10; size < 30_000; size = size * 5 / 4) {
			assertThat(full.set(SESSION, Key.of("size" + size), new Entry(new byte[size], 0, 0)).block().status())
				.as("set of %s bytes", size)
				.isEqualTo(StoreResult.Status.STORED);
		}
		assertThat(full.bytesUsed()).isLessThanOrEqualTo(4 * 1024 * 1024);
	}

	@Test
	void countsItemSizesAsMemcachedDoes() {
		this.store.set(SESSION, Key.of("a"), new Entry(bytes("abc"), 5, 0)).block();
		// memcached 1.6 reports "bytes 67" for this item
		assertThat(this.store.bytesUsed()).isEqualTo(67);
	}

	private void set(String key, String value, long exptime) {
		this.store.set(SESSION, Key.of(key), entry(value, exptime)).block();
	}

	private String get(String key) {
		Item item = this.store.get(SESSION, Key.of(key)).block();
		return (item != null) ? new String(item.value(), StandardCharsets.US_ASCII) : null;
	}

	private static Entry entry(String value, long exptime) {
		return new Entry(bytes(value), 0, exptime);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/** A clock that moves only when told to. */
	private static final class SteppingClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00.500Z");

		void advance(long seconds) {
			this.now = this.now.plusSeconds(seconds);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
