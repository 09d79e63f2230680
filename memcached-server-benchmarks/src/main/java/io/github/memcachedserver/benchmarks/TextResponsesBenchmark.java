package io.github.memcachedserver.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.protocol.text.TextResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
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
 * Encodes the answer to a single-key {@code get} hit ({@code VALUE <key> <flags> <len>},
 * the data, {@code END}) with {@link TextResponses#value}, into a buffer from Netty's pooled
 * allocator (what the server's channels use), and releases it. Score: time per reply.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TextResponsesBenchmark {

	@Param({ "100", "1024", "102400" })
	public int valueSize;

	private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;

	private Key key;

	private Item item;

	@Setup(Level.Trial)
	public void setUp() {
		byte[] value = new byte[this.valueSize];
		Arrays.fill(value, (byte) 'v');
		this.key = Key.of("bench:key:00001234");
		this.item = new Item(value, 4711, 42);
	}

	@Benchmark
	public int encodeGetHit() {
		ByteBuf reply = TextResponses.value(this.allocator, this.key, this.item, false);
		int size = reply.readableBytes();
		reply.release();
		return size;
	}

}
