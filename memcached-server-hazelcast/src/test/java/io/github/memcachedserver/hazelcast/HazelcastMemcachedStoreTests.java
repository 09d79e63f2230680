package io.github.memcachedserver.hazelcast;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the differential suite cannot see of the Hazelcast store: CAS uniques across the life and
 * death of a key, what a multi-key read sends back, and that a client's mistake stays out of
 * the server's error log.
 */
class HazelcastMemcachedStoreTests {

	private static final Session SESSION = null;

	private static HazelcastInstance hazelcast;

	private static HazelcastMemcachedStore store;

	@BeforeAll
	static void startMember() {
		hazelcast = Hazelcast.newHazelcastInstance(
				HazelcastStoreConfig.tcpCluster("store-" + UUID.randomUUID(), 5951, List.of("127.0.0.1:5951")));
		store = new HazelcastMemcachedStore(hazelcast);
	}

	@AfterAll
	static void stopMember() {
		store.close();
		hazelcast.shutdown();
	}

	@Test
	void aKeyDeletedAndStoredAgainNeverGetsAUniqueItHadBefore() {
		Key key = Key.of("reborn");
		StoreResult first = store.set(SESSION, key, entry("one", 0)).block();
		StoreResult second = store.set(SESSION, key, entry("two", 0)).block();
		assertThat(store.delete(SESSION, key).block()).isTrue();
		StoreResult reborn = store.add(SESSION, key, entry("three", 0)).block();
		assertThat(List.of(first.cas(), second.cas(), reborn.cas())).doesNotHaveDuplicates().allMatch((cas) -> cas > 0);
		assertThat(second.cas()).isGreaterThan(first.cas());
		// a client still holding the first incarnation's unique cannot overwrite the new item
		assertThat(store.cas(SESSION, key, entry("stale", 0), first.cas()).block()).isEqualTo(StoreResult.EXISTS);
		assertThat(store.get(SESSION, key).block().cas()).isEqualTo(reborn.cas());
	}

	@Test
	void aMultiKeyReadAnswersOnlyLiveItems() {
		store.set(SESSION, Key.of("live"), entry("here", 0)).block();
		store.set(SESSION, Key.of("expired"), entry("gone", -1)).block();
		Map<Key, Item> found = store
			.getAll(SESSION, List.of(Key.of("live"), Key.of("expired"), Key.of("never-stored"))).block();
		assertThat(found).containsOnlyKeys(Key.of("live"));
		assertThat(new String(found.get(Key.of("live")).value(), StandardCharsets.US_ASCII)).isEqualTo("here");
	}

	@Test
	void arithmeticOnTextIsAClientErrorThatHazelcastDoesNotLog() {
		Logger hazelcastLog = (Logger) LoggerFactory.getLogger("com.hazelcast");
		ListAppender<ILoggingEvent> logged = new ListAppender<>();
		logged.start();
		hazelcastLog.addAppender(logged);
		try {
			store.set(SESSION, Key.of("word"), entry("text", 0)).block();
			assertThatExceptionOfType(ClientErrorException.class)
				.isThrownBy(() -> store.increment(SESSION, Key.of("word"), 1).block())
				.withMessage("cannot increment or decrement non-numeric value");
			assertThat(logged.list).noneMatch((event) -> event.getLevel().isGreaterOrEqual(Level.WARN));
		}
		finally {
			hazelcastLog.detachAppender(logged);
		}
	}

	private static Entry entry(String value, long exptime) {
		return new Entry(value.getBytes(StandardCharsets.US_ASCII), 0, exptime);
	}

}
