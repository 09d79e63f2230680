package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.BlockingMemcachedHandler;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MemcachedHandlers;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random command streams over keys whose answers come at once ({@code fast:}, the built-in
 * store), late ({@code slow:}), from a blocking handler ({@code block:}) or as failures
 * ({@code fail:}), with writes in between: every answer is the one a one-at-a-time server would
 * give, in request order, whatever the chunks the stream is cut into. The expected answers come
 * from a plain map applied in request order.
 */
class RandomOrderingIntegrationTests {

	private static final String[] PREFIXES = { "fast:", "slow:", "block:", "fail:" };

	private final Scheduler blocking = Schedulers.newBoundedElastic(8, 1000, "test-blocking");

	private MemcachedServer server;

	@BeforeEach
	void start() {
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.handler(PrefixRoutingHandler.of(Map.of("slow:", new SlowHandler(), "block:",
					MemcachedHandlers.offEventLoop(new SleepyHandler(), this.blocking), "fail:", new FailingReads()),
					new ConcurrentMapMemcachedStore()))
			.build()
			.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(Duration.ofSeconds(5));
		this.blocking.dispose();
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8 })
	void textAndMetaStreamsAnswerInOrderAndSeeTheirWrites(long seed) throws Exception {
		Random random = new Random(seed);
		Map<String, String> model = new HashMap<>();
		StringBuilder stream = new StringBuilder();
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 300; i++) {
			String key = key(random);
			switch (random.nextInt(6)) {
				case 0, 1 -> {
					String value = "v" + random.nextInt(1000);
					stream.append("set ").append(key).append(" 0 0 ").append(value.length()).append("\r\n")
						.append(value).append("\r\n");
					model.put(key, value);
					expected.append("STORED\r\n");
				}
				case 2 -> {
					stream.append("delete ").append(key).append("\r\n");
					expected.append((model.remove(key) != null) ? "DELETED\r\n" : "NOT_FOUND\r\n");
				}
				case 3 -> {
					List<String> keys = new ArrayList<>();
					for (int k = 1 + random.nextInt(4); k > 0; k--) {
						keys.add(key(random));
					}
					stream.append("get ").append(String.join(" ", keys)).append("\r\n");
					if (keys.stream().anyMatch((k) -> k.startsWith("fail:"))) {
						expected.append("SERVER_ERROR backend unavailable\r\n");
					}
					else {
						for (String k : keys) {
							appendValue(expected, k, model.get(k));
						}
						expected.append("END\r\n");
					}
				}
				case 4 -> {
					stream.append("mg ").append(key).append(" v\r\n");
					String value = model.get(key);
					if (key.startsWith("fail:")) {
						expected.append("SERVER_ERROR backend unavailable\r\n");
					}
					else {
						expected.append((value != null) ? "VA " + value.length() + "\r\n" + value + "\r\n" : "EN\r\n");
					}
				}
				default -> {
					stream.append("get ").append(key).append("\r\n");
					if (key.startsWith("fail:")) {
						expected.append("SERVER_ERROR backend unavailable\r\n");
					}
					else {
						appendValue(expected, key, model.get(key));
						expected.append("END\r\n");
					}
				}
			}
		}
		stream.append("version\r\n");
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			byte[] bytes = stream.toString().getBytes(StandardCharsets.US_ASCII);
			for (int at = 0; at < bytes.length;) {
				int chunk = Math.min(bytes.length - at, 1 + random.nextInt(400));
				raw.send(java.util.Arrays.copyOfRange(bytes, at, at + chunk));
				at += chunk;
				if (random.nextInt(4) == 0) {
					Thread.sleep(1);
				}
			}
			byte[] answer = raw.readBytes(expected.length());
			assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
			assertThat(raw.readLine()).startsWith("VERSION ");
		}
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4 })
	void binaryStreamsFromARealClientAnswerInOrderAndSeeTheirWrites(long seed) throws Exception {
		Random random = new Random(seed);
		Map<String, String> model = new HashMap<>();
		List<Future<?>> answers = new ArrayList<>();
		List<Object> expected = new ArrayList<>();
		MemcachedClient client = TestClients.spymemcachedBinary(this.server.port());
		try {
			for (int i = 0; i < 200; i++) {
				// spymemcached answers a failed get with an exception: keep binary streams to readable keys
				String key = PREFIXES[random.nextInt(3)] + random.nextInt(6);
				switch (random.nextInt(4)) {
					case 0, 1 -> {
						String value = "v" + random.nextInt(1000);
						answers.add(client.set(key, 0, value));
						model.put(key, value);
						expected.add(true);
					}
					case 2 -> {
						answers.add(client.delete(key));
						expected.add(model.remove(key) != null);
					}
					default -> {
						answers.add(client.asyncGet(key));
						expected.add(String.valueOf(model.get(key)));
					}
				}
			}
			for (int i = 0; i < answers.size(); i++) {
				Object answer = answers.get(i).get(10, TimeUnit.SECONDS);
				Object want = expected.get(i);
				assertThat((want instanceof String) ? String.valueOf(answer) : answer).as("answer %d", i).isEqualTo(want);
			}
		}
		finally {
			TestClients.shutdown(client);
		}
	}

	private static String key(Random random) {
		return PREFIXES[random.nextInt(PREFIXES.length)] + random.nextInt(6);
	}

	private static void appendValue(StringBuilder expected, String key, String value) {
		if (value != null) {
			expected.append("VALUE ").append(key).append(" 0 ").append(value.length()).append("\r\n").append(value)
				.append("\r\n");
		}
	}

	/** The built-in store, every answer a random 0 to 2 ms late. */
	static final class SlowHandler extends StoreBackedHandler {

		private final Random delays = new Random();

		private <T> Mono<T> late(Mono<T> answer) {
			return Mono.delay(Duration.ofMillis(this.delays.nextInt(3))).then(answer);
		}

		@Override
		public Mono<Item> get(Session session, Key key) {
			return late(super.get(session, key));
		}

		@Override
		public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
			return late(Mono.defer(() -> this.store.getAll(session, keys)));
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return late(Mono.defer(() -> super.set(session, key, entry)));
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return late(Mono.defer(() -> super.delete(session, key)));
		}

	}

	/** Values in a map, every call blocking for a moment. */
	static final class SleepyHandler implements BlockingMemcachedHandler {

		private final Map<Key, byte[]> values = new ConcurrentHashMap<>();

		private static void pause() {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public Item get(Session session, Key key) {
			pause();
			byte[] value = this.values.get(key);
			return (value != null) ? Item.of(value) : null;
		}

		@Override
		public StoreResult set(Session session, Key key, Entry entry) {
			pause();
			this.values.put(key, entry.value());
			return StoreResult.STORED;
		}

		@Override
		public boolean delete(Session session, Key key) {
			pause();
			return this.values.remove(key) != null;
		}

	}

	/** Writes work (in the built-in store); every read fails a moment later. */
	static final class FailingReads extends StoreBackedHandler implements MemcachedCommandHandler {

		@Override
		public Mono<Item> get(Session session, Key key) {
			return Mono.delay(Duration.ofMillis(1)).then(Mono.error(new CommandFailedException("backend unavailable")));
		}

	}

}
