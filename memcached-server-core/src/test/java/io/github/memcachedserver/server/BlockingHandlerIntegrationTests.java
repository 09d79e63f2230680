package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.BlockingMemcachedHandler;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedHandlers;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler that blocks runs off the event loop: while many of its calls sleep, a client of
 * the built-in store on the same (single) event loop is answered as fast as ever.
 */
class BlockingHandlerIntegrationTests {

	private static final Duration BLOCKED = Duration.ofSeconds(3);

	private static final int SLOW_CLIENTS = 16;

	private final Scheduler scheduler = Schedulers.newBoundedElastic(SLOW_CLIENTS, 1000, "test-blocking");

	private MemcachedServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop(Duration.ofSeconds(5));
		}
		this.scheduler.dispose();
	}

	@Test
	void slowBlockingCallsLeaveOtherClientsOfTheEventLoopUntouched() throws Exception {
		SleepingHandler sleeping = new SleepingHandler();
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.threads(1)
			.handler(PrefixRoutingHandler.of(Map.of("slow:", MemcachedHandlers.offEventLoop(sleeping, this.scheduler)),
					new ConcurrentMapMemcachedStore()))
			.build()
			.start();
		int port = this.server.port();
		ExecutorService clients = Executors.newFixedThreadPool(SLOW_CLIENTS);
		try {
			List<Future<String>> slowAnswers = new ArrayList<>();
			for (int i = 0; i < SLOW_CLIENTS; i++) {
				String key = "slow:" + i;
				slowAnswers.add(clients.submit(() -> {
					try (RawConnection raw = RawConnection.open(port)) {
						assertThat(raw.send("set " + key + " 0 0 1\r\nv\r\n").readLine()).isEqualTo("STORED");
						raw.send("get " + key + "\r\n");
						return String.join(",", raw.readRetrieval());
					}
				}));
			}
			assertThat(sleeping.sleeping.await(10, TimeUnit.SECONDS)).isTrue();
			long slowest = 0;
			try (RawConnection raw = RawConnection.open(port)) {
				for (int i = 0; i < 20; i++) {
					long started = System.nanoTime();
					assertThat(raw.send("set fast 0 0 1\r\nf\r\n").readLine()).isEqualTo("STORED");
					raw.send("get fast\r\n");
					assertThat(raw.readRetrieval()).containsExactly("fast 0 f");
					slowest = Math.max(slowest, System.nanoTime() - started);
				}
			}
			// an order of magnitude below one blocked call: the event loop never waited for one
			assertThat(Duration.ofNanos(slowest)).isLessThan(BLOCKED.dividedBy(10));
			for (int i = 0; i < SLOW_CLIENTS; i++) {
				assertThat(slowAnswers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("slow:" + i + " 0 v");
			}
		}
		finally {
			clients.shutdownNow();
		}
	}

	/** Values in a map; reads sleep, as a blocking database call would. */
	static final class SleepingHandler implements BlockingMemcachedHandler {

		final CountDownLatch sleeping = new CountDownLatch(SLOW_CLIENTS);

		private final Map<Key, byte[]> values = new ConcurrentHashMap<>();

		@Override
		public Item get(Session session, Key key) {
			this.sleeping.countDown();
			try {
				Thread.sleep(BLOCKED.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			byte[] value = this.values.get(key);
			return (value != null) ? Item.of(value) : null;
		}

		@Override
		public StoreResult set(Session session, Key key, Entry entry) {
			this.values.put(key, entry.value());
			return StoreResult.STORED;
		}

		@Override
		public boolean delete(Session session, Key key) {
			return this.values.remove(key) != null;
		}

	}

}
