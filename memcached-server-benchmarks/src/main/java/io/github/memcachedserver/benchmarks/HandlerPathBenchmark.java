package io.github.memcachedserver.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import reactor.core.publisher.Mono;

/**
 * How fast the server answers through a handler: a backend whose every call takes
 * {@value #BACKEND_MILLIS} ms (in process), and optionally the sample application's database
 * ({@code --sample-port}, a running sample). Every answer is checked byte for byte; each
 * figure is the median of {@value #MEASURED} runs after {@value #WARMUP} warm-up runs, next
 * to the ideal of one backend round trip.
 *
 * <pre>
 * java -cp memcached-server-benchmarks/target/benchmarks.jar \
 *     io.github.memcachedserver.benchmarks.HandlerPathBenchmark [--sample-port 11211]
 * </pre>
 */
public final class HandlerPathBenchmark {

	private static final int BACKEND_MILLIS = 1;

	private static final int WARMUP = 50;

	private static final int MEASURED = 20;

	private HandlerPathBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int samplePort = (args.length == 2 && args[0].equals("--sample-port")) ? Integer.parseInt(args[1]) : -1;
		MemcachedServer server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.handler(PrefixRoutingHandler.of(
					Map.of("single:", new DelayedHandler(false), "batched:", new DelayedHandler(true)),
					new ConcurrentMapMemcachedStore()))
			.build()
			.start();
		try {
			int port = server.port();
			System.out.printf(Locale.ROOT, "%-58s %9s %9s %9s %9s%n", "", "median", "min", "max", "ideal");
			measure(port, "100-key get, handler with getAll", multiGet("batched:", 100), DelayedHandler::value, 1);
			measure(port, "100-key get, handler with single gets only", multiGet("single:", 100),
					DelayedHandler::value, 1);
			measure(port, "16 pipelined single gets", pipeline("single:", 16), DelayedHandler::value, 1);
			if (samplePort > 0) {
				sample(samplePort);
			}
		}
		finally {
			server.stop(Duration.ofSeconds(5));
		}
	}

	/** The sample's product keys: its rows are written through memcached first. */
	private static void sample(int port) throws Exception {
		IntFunction<String> json = (id) -> "{\"id\":" + id + ",\"name\":\"bench " + id + "\",\"price\":1.50}";
		try (Connection connection = new Connection(port)) {
			for (int id = 1; id <= 100; id++) {
				String value = "{\"name\":\"bench " + id + "\",\"price\":1.50}";
				connection.send("set product:" + id + " 0 0 " + value.length() + "\r\n" + value + "\r\n");
				connection.expect("STORED\r\n");
			}
		}
		IntFunction<String> value = (i) -> json.apply(i + 1);
		measure(port, "sample: 100-key get product:1..100 (one SELECT ... IN)", multiGetFrom("product:", 1, 100),
				value, 0);
		measure(port, "sample: 16 pipelined get product:1..16", pipelineFrom("product:", 1, 16), value, 0);
		loadWithBystander(port, json);
	}

	/**
	 * 50 connections doing 100-key product gets as fast as they can, while one more client
	 * reads a built-in store key: its latency shows whether database work holds an event loop.
	 */
	private static void loadWithBystander(int port, IntFunction<String> json) throws Exception {
		Request products = multiGetFrom("product:", 1, 100);
		byte[] productAnswer = expected(products.keys(), (i) -> json.apply(i + 1));
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(50);
		List<Future<Integer>> loads = new ArrayList<>();
		for (int c = 0; c < 50; c++) {
			loads.add(pool.submit(() -> {
				int done = 0;
				try (Connection connection = new Connection(port)) {
					while (running.get()) {
						connection.send(products.text());
						connection.expect(productAnswer);
						done++;
					}
				}
				return done;
			}));
		}
		long[] bystander = new long[2000];
		int answered = 0;
		long started = System.nanoTime();
		try (Connection connection = new Connection(port)) {
			connection.send("set bystander 0 0 1\r\nb\r\n");
			connection.expect("STORED\r\n");
			for (; answered < bystander.length; answered++) {
				long sent = System.nanoTime();
				connection.send("get bystander\r\n");
				connection.expect("VALUE bystander 0 1\r\nb\r\nEND\r\n");
				bystander[answered] = System.nanoTime() - sent;
				Thread.sleep(2);
			}
		}
		catch (SocketTimeoutException ex) {
			System.out.printf(Locale.ROOT, "  a built-in store client got no answer for %d s after %d answers%n",
					Connection.TIMEOUT_MILLIS / 1000, answered);
			running.set(false);
			pool.shutdownNow();
			return;
		}
		running.set(false);
		double seconds = (System.nanoTime() - started) / 1e9;
		int total = 0;
		for (Future<Integer> load : loads) {
			total += load.get();
		}
		pool.shutdown();
		Arrays.sort(bystander);
		System.out.printf(Locale.ROOT, "sample: 50 connections of 100-key product gets: %.0f gets/s (%.0f rows/s)%n",
				total / seconds, 100 * total / seconds);
		System.out.printf(Locale.ROOT, "  a built-in store client meanwhile: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
				millis(bystander[bystander.length / 2]), millis(bystander[bystander.length * 99 / 100]),
				millis(bystander[bystander.length - 1]));
	}

	private static void measure(int port, String name, Request request, IntFunction<String> value, int idealMillis)
			throws IOException {
		byte[] answer = expected(request.keys(), value);
		long[] times = new long[MEASURED];
		try (Connection connection = new Connection(port)) {
			for (int i = 0; i < WARMUP + MEASURED; i++) {
				long started = System.nanoTime();
				connection.send(request.text());
				connection.expect(answer);
				if (i >= WARMUP) {
					times[i - WARMUP] = System.nanoTime() - started;
				}
			}
		}
		Arrays.sort(times);
		System.out.printf(Locale.ROOT, "%-58s %6.2f ms %6.2f ms %6.2f ms %9s%n", name, millis(times[MEASURED / 2]),
				millis(times[0]), millis(times[MEASURED - 1]), (idealMillis > 0) ? idealMillis + " ms" : "one query");
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

	/** What the server must answer: each key's value block, one {@code END} per get line. */
	private static byte[] expected(List<List<String>> lines, IntFunction<String> value) {
		StringBuilder answer = new StringBuilder();
		for (List<String> keys : lines) {
			for (String key : keys) {
				String data = value.apply(index(key));
				answer.append("VALUE ").append(key).append(" 0 ").append(data.length()).append("\r\n").append(data)
					.append("\r\n");
			}
			answer.append("END\r\n");
		}
		return answer.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static int index(String key) {
		return Integer.parseInt(key.substring(key.indexOf(':') + 1)) - (key.startsWith("product:") ? 1 : 0);
	}

	private static Request multiGet(String prefix, int keys) {
		return multiGetFrom(prefix, 0, keys);
	}

	private static Request multiGetFrom(String prefix, int first, int keys) {
		List<String> line = new ArrayList<>();
		for (int i = first; i < first + keys; i++) {
			line.add(prefix + i);
		}
		return new Request("get " + String.join(" ", line) + "\r\n", List.of(line));
	}

	private static Request pipeline(String prefix, int gets) {
		return pipelineFrom(prefix, 0, gets);
	}

	private static Request pipelineFrom(String prefix, int first, int gets) {
		StringBuilder text = new StringBuilder();
		List<List<String>> lines = new ArrayList<>();
		for (int i = first; i < first + gets; i++) {
			text.append("get ").append(prefix).append(i).append("\r\n");
			lines.add(List.of(prefix + i));
		}
		return new Request(text.toString(), lines);
	}

	private record Request(String text, List<List<String>> keys) {
	}

	/** A backend whose every call takes {@value #BACKEND_MILLIS} ms; with getAll, one call a multi-get. */
	private static final class DelayedHandler implements MemcachedCommandHandler {

		private final boolean batched;

		DelayedHandler(boolean batched) {
			this.batched = batched;
		}

		static String value(int index) {
			return "value-" + index;
		}

		private static Item item(Key key) {
			String text = key.toString();
			return Item.of(value(Integer.parseInt(text.substring(text.indexOf(':') + 1))).getBytes(StandardCharsets.US_ASCII));
		}

		@Override
		public Mono<Item> get(Session session, Key key) {
			return Mono.delay(Duration.ofMillis(BACKEND_MILLIS)).then(Mono.fromSupplier(() -> item(key)));
		}

		@Override
		public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
			if (!this.batched) {
				return MemcachedCommandHandler.super.getAll(session, keys);
			}
			return Mono.delay(Duration.ofMillis(BACKEND_MILLIS)).then(Mono.fromSupplier(() -> {
				Map<Key, Item> items = new HashMap<>();
				keys.forEach((key) -> items.put(key, item(key)));
				return items;
			}));
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return Mono.just(StoreResult.NOT_STORED);
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(false);
		}

	}

	/** A blocking text client that checks answers byte for byte. */
	private static final class Connection implements AutoCloseable {

		static final int TIMEOUT_MILLIS = 30_000;

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		Connection(int port) throws IOException {
			this.socket = new Socket("127.0.0.1", port);
			this.socket.setTcpNoDelay(true);
			this.socket.setSoTimeout(TIMEOUT_MILLIS);
			this.in = this.socket.getInputStream();
			this.out = this.socket.getOutputStream();
		}

		void send(String text) throws IOException {
			this.out.write(text.getBytes(StandardCharsets.US_ASCII));
			this.out.flush();
		}

		void expect(String answer) throws IOException {
			expect(answer.getBytes(StandardCharsets.US_ASCII));
		}

		void expect(byte[] answer) throws IOException {
			byte[] got = this.in.readNBytes(answer.length);
			if (!Arrays.equals(got, answer)) {
				throw new IllegalStateException("unexpected answer: " + new String(got, StandardCharsets.US_ASCII));
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
