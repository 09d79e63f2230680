package io.github.memcachedserver.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in store's {@code get} and {@code set}, one thread, through the public
 * {@code MemcachedCommandHandler} API as the server calls it (each call returns a {@code Mono},
 * resolved here with {@code block()}, so its cost is part of the score). 10,000 preloaded keys of
 * 18 bytes with {@code valueSize}-byte values, memory limit large enough that nothing is evicted;
 * keys are visited in a fixed pseudo-random order. Score: time per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConcurrentMapMemcachedStoreBenchmark {

	static final int KEYS = 10_000;

	@Param({ "100", "1024" })
	public int valueSize;

	private ConcurrentMapMemcachedStore store;

	private final Session session = new Session(1, null, null);

	private Key[] keys;

	private Entry[] entries;

	private int[] order;

	private int next;

	@Setup(Level.Trial)
	public void setUp() {
		this.store = ConcurrentMapMemcachedStore.builder().memoryLimit(1024L * 1024 * 1024).build();
		this.keys = new Key[KEYS];
		this.entries = new Entry[KEYS];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = Key.wrap(String.format(Locale.ROOT, "lg:key:%07d", i).getBytes(StandardCharsets.US_ASCII));
			byte[] value = new byte[this.valueSize];
			Arrays.fill(value, (byte) ('a' + i % 26));
			this.entries[i] = new Entry(value, i & 0xFFFF, Entry.NEVER);
			this.store.set(this.session, this.keys[i], this.entries[i]).block();
		}
		this.order = new int[1 << 16];
		long x = 0x9E3779B97F4A7C15L;
		for (int i = 0; i < this.order.length; i++) {
			x ^= x << 13;
			x ^= x >>> 7;
			x ^= x << 17;
			this.order[i] = (int) Long.remainderUnsigned(x, KEYS);
		}
	}

	private int nextKey() {
		return this.order[(this.next++) & (this.order.length - 1)];
	}

	@Benchmark
	public Item get() {
		Item item = this.store.get(this.session, this.keys[nextKey()]).block();
		if (item == null) {
			throw new IllegalStateException("miss");
		}
		return item;
	}

	@Benchmark
	public StoreResult set() {
		int k = nextKey();
		return this.store.set(this.session, this.keys[k], this.entries[k]).block();
	}

}
