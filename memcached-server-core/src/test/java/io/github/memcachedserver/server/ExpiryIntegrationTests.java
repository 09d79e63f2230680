package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;

import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * memcached's expiration rules end to end: a client writes over TCP, the store's injected
 * {@link AdjustableClock} moves time, the client reads again. One test uses the real clock to
 * show the default wiring.
 */
@Timeout(30)
class ExpiryIntegrationTests {

	private AdjustableClock clock;

	private MemcachedServer server;

	private MemcachedClient client;

	@BeforeEach
	void startServer() {
		this.clock = AdjustableClock.startingNow();
		start(ConcurrentMapMemcachedStore.builder().clock(this.clock).build());
	}

	private void start(ConcurrentMapMemcachedStore store) {
		this.server = MemcachedServer.builder().handler(store).listen(ListenAddress.parse("127.0.0.1:0")).build();
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
	void relativeTtlKeepsTheItemForThatManySeconds() throws Exception {
		this.client.set("k", 10, "v").get();
		this.clock.advanceSeconds(9);
		assertThat(this.client.get("k")).isEqualTo("v");
		this.clock.advanceSeconds(2);
		assertThat(this.client.get("k")).isNull();
		assertThat(this.client.gets("k")).isNull();
		assertThat(this.client.getBulk("k")).isEmpty();
	}

	@Test
	void expiredItemCanBeAddedAgain() throws Exception {
		this.client.set("k", 5, "old").get();
		this.clock.advanceSeconds(6);
		assertThat(this.client.add("k", 0, "new").get()).isTrue();
		assertThat(this.client.get("k")).isEqualTo("new");
		assertThat(this.client.replace("gone", 0, "x").get()).isFalse();
	}

	@Test
	void expiredItemIsInvisibleToEveryCommand() throws Exception {
		this.client.set("n", 5, "10").get();
		this.clock.advanceSeconds(6);
		assertThat(this.client.incr("n", 1)).isEqualTo(-1);
		assertThat(this.client.append("n", "1").get()).isFalse();
		assertThat(this.client.touch("n", 100).get()).isFalse();
		assertThat(this.client.delete("n").get()).isFalse();
		assertThat(this.client.replace("n", 0, "x").get()).isFalse();
	}

	@Test
	void ttlAboveThirtyDaysIsAnAbsoluteUnixTime() throws Exception {
		long deadline = this.clock.epochSecond() + 100;
		this.client.set("k", (int) deadline, "v").get();
		this.clock.advanceSeconds(99);
		assertThat(this.client.get("k")).isEqualTo("v");
		this.clock.advanceSeconds(2);
		assertThat(this.client.get("k")).isNull();
	}

	@Test
	void absoluteUnixTimeInThePastMeansAlreadyExpired() throws Exception {
		// 30 days and one second: an absolute time in January 1970
		this.client.set("k", 60 * 60 * 24 * 30 + 1, "v").get();
		assertThat(this.client.get("k")).isNull();
	}

	@Test
	void ttlOfExactlyThirtyDaysIsStillRelative() throws Exception {
		int thirtyDays = 60 * 60 * 24 * 30;
		this.client.set("k", thirtyDays, "v").get();
		this.clock.advanceSeconds(thirtyDays - 1);
		assertThat(this.client.get("k")).isEqualTo("v");
		this.clock.advanceSeconds(2);
		assertThat(this.client.get("k")).isNull();
	}

	@Test
	void negativeTtlMakesTheItemImmediatelyGone() throws Exception {
		this.client.set("k", 0, "old").get();
		assertThat(this.client.set("k", -1, "v").get()).isTrue();
		assertThat(this.client.get("k")).isNull();
		assertThat(this.client.add("k", 0, "again").get()).isTrue();
		assertThat(this.client.get("k")).isEqualTo("again");
	}

	@Test
	void zeroTtlNeverExpires() throws Exception {
		this.client.set("k", 0, "v").get();
		this.clock.advanceSeconds(10L * 365 * 24 * 3600);
		assertThat(this.client.get("k")).isEqualTo("v");
	}

	@Test
	void touchExtendsTheLifeOfAnItem() throws Exception {
		this.client.set("k", 10, "v").get();
		this.clock.advanceSeconds(8);
		assertThat(this.client.touch("k", 10).get()).isTrue();
		this.clock.advanceSeconds(8);
		assertThat(this.client.get("k")).isEqualTo("v");
		this.clock.advanceSeconds(3);
		assertThat(this.client.get("k")).isNull();
	}

	@Test
	void touchCanMakeAnItemPermanentOrExpireIt() throws Exception {
		this.client.set("forever", 10, "v").get();
		this.client.set("doomed", 0, "v").get();
		assertThat(this.client.touch("forever", 0).get()).isTrue();
		assertThat(this.client.touch("doomed", -1).get()).isTrue();
		assertThat(this.client.get("doomed")).isNull();
		this.clock.advanceSeconds(1000);
		assertThat(this.client.get("forever")).isEqualTo("v");
	}

	@Test
	void getAndTouchReturnsTheValueAndExtendsItsLife() throws Exception {
		this.client.set("k", 10, "v").get();
		this.client.set("other", 10, "o").get();
		long unique = this.client.gets("k").getCas();
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("gat 30 k missing\r\n");
			assertThat(raw.readRetrieval()).containsExactly("k 0 v");
			raw.send("gats 30 other\r\n");
			assertThat(raw.readRetrieval()).hasSize(1).first().asString().startsWith("other 0 o ");
		}
		// gat changes the expiry, not the item: the CAS unique stays
		assertThat(this.client.gets("k").getCas()).isEqualTo(unique);
		this.clock.advanceSeconds(25);
		assertThat(this.client.getBulk("k", "other")).containsOnlyKeys("k", "other");
		this.clock.advanceSeconds(6);
		assertThat(this.client.getBulk("k", "other")).isEmpty();
	}

	@Test
	void getAndTouchWithNegativeTtlReturnsTheItemOneLastTime() throws Exception {
		this.client.set("k", 0, "v").get();
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("gat -1 k\r\n");
			assertThat(raw.readRetrieval()).containsExactly("k 0 v");
			raw.send("get k\r\n");
			assertThat(raw.readRetrieval()).isEmpty();
		}
	}

	@Test
	void flushAllWithDelayInvalidatesOnlyWhenTheDelayHasPassed() throws Exception {
		this.client.set("before", 0, "v").get();
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("flush_all 10\r\n");
			assertThat(raw.readLine()).isEqualTo("OK");
		}
		this.clock.advanceSeconds(5);
		this.client.set("during", 0, "v").get();
		this.clock.advanceSeconds(3);
		assertThat(this.client.getBulk("before", "during")).containsOnlyKeys("before", "during");
		// memcached invalidates, at the deadline, everything written before it
		this.clock.advanceSeconds(3);
		assertThat(this.client.getBulk("before", "during")).isEmpty();
		this.clock.advanceSeconds(1);
		this.client.set("after", 0, "v").get();
		assertThat(this.client.get("after")).isEqualTo("v");
		this.clock.advanceSeconds(100);
		assertThat(this.client.get("after")).isEqualTo("v");
	}

	@Test
	void laterImmediateFlushAllReplacesAPendingDelayedOne() throws Exception {
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("set a 0 0 1\r\na\r\nflush_all 100\r\nflush_all 0\r\nget a\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readLine()).isEqualTo("OK");
			assertThat(raw.readLine()).isEqualTo("OK");
			assertThat(raw.readRetrieval()).isEmpty();
			raw.send("set b 0 0 1\r\nb\r\nget b\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readRetrieval()).containsExactly("b 0 b");
		}
	}

	@Test
	void itemWithOneSecondTtlIsGoneAfterTwoSecondsOfRealTime() throws Exception {
		stopServer();
		start(new ConcurrentMapMemcachedStore());
		byte[] value = "short-lived".getBytes(StandardCharsets.UTF_8);
		// expiry has one-second resolution: start early in a second so "k" is surely still
		// there when read straight back
		while (System.currentTimeMillis() % 1000 > 300) {
			Thread.sleep(10);
		}
		assertThat(this.client.set("k", 1, value).get()).isTrue();
		assertThat(this.client.set("stays", 0, value).get()).isTrue();
		assertThat(this.client.get("k")).isEqualTo(value);
		Thread.sleep(2100);
		assertThat(this.client.get("k")).isNull();
		assertThat(this.client.get("stays")).isEqualTo(value);
	}

}
