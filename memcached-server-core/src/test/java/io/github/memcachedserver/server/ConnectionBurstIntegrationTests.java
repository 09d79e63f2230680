package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.memcachedserver.handler.BlockingMemcachedHandler;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedHandlers;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections that arrive together while the event loop is busy with others are accepted
 * together, not one per turn of the loop (Netty's default for a level-triggered listener),
 * which left the last of a burst of a thousand waiting seconds under load.
 */
class ConnectionBurstIntegrationTests {

	/** How long each busy client's command holds the event loop. */
	private static final Duration TURN = Duration.ofMillis(20);

	private static final int BUSY_CLIENTS = 4;

	private static final int BURST = 64;

	private MemcachedServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop(Duration.ofSeconds(5));
		}
	}

	@Test
	void aBurstOfConnectionsIsAcceptedInAFewTurnsOfABusyEventLoop() throws Exception {
		// an immediate scheduler: each get sleeps on the event loop, so every turn of the loop
		// that serves a busy client lasts at least TURN
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.threads(1)
			.handler(MemcachedHandlers.offEventLoop(new SleepingGets(), Schedulers.immediate()))
			.build()
			.start();
		int port = this.server.port();
		AtomicInteger busyAnswers = new AtomicInteger();
		AtomicBoolean busy = new AtomicBoolean(true);
		ExecutorService clients = Executors.newFixedThreadPool(BUSY_CLIENTS);
		List<RawConnection> burst = new ArrayList<>();
		try {
			List<Future<?>> busyClients = new ArrayList<>();
			for (int i = 0; i < BUSY_CLIENTS; i++) {
				busyClients.add(clients.submit(() -> {
					try (RawConnection raw = RawConnection.open(port)) {
						while (busy.get()) {
							raw.send("get k\r\n");
							assertThat(raw.readLine()).isEqualTo("END");
							busyAnswers.incrementAndGet();
						}
					}
					return null;
				}));
			}
			while (busyAnswers.get() < 2 * BUSY_CLIENTS) {
				Thread.sleep(TURN.toMillis());
			}
			int answersBefore = busyAnswers.get();
			for (int i = 0; i < BURST; i++) {
				// the kernel completes each handshake at once: the burst waits in the listen queue
				burst.add(RawConnection.open(port));
			}
			for (RawConnection raw : burst) {
				raw.send("version\r\n");
			}
			for (RawConnection raw : burst) {
				assertThat(raw.readLine()).isEqualTo("VERSION " + MemcachedServer.DEFAULT_VERSION);
			}
			int busyAnswersDuringBurst = busyAnswers.get() - answersBefore;
			busy.set(false);
			for (Future<?> client : busyClients) {
				client.get(10, TimeUnit.SECONDS);
			}
			// one accept per turn takes BURST turns, each answering up to BUSY_CLIENTS busy clients
			// (about 250 answers here); sixteen per turn take four turns, plus one to read what the
			// burst sent (about 25)
			assertThat(busyAnswersDuringBurst).isLessThan(BURST);
		}
		finally {
			busy.set(false);
			for (RawConnection raw : burst) {
				raw.close();
			}
			clients.shutdownNow();
		}
	}

	/** Every get misses after holding the thread that runs it. */
	static final class SleepingGets implements BlockingMemcachedHandler {

		@Override
		public Item get(Session session, Key key) {
			try {
				Thread.sleep(TURN.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return null;
		}

		@Override
		public StoreResult set(Session session, Key key, Entry entry) {
			return StoreResult.NOT_STORED;
		}

		@Override
		public boolean delete(Session session, Key key) {
			return false;
		}

	}

}
