package io.github.memcachedserver.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.memcachedserver.internal.protocol.PendingValues;
import io.github.memcachedserver.internal.protocol.text.TextCommandDecoder;
import io.github.memcachedserver.internal.protocol.text.TextProtocolLimits;
import io.github.memcachedserver.server.MemcachedServerBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decodes one read's worth of pipelined text commands: {@value #BATCH} requests, 90% {@code get}
 * and 10% {@code set} (18-byte keys, {@code valueSize}-byte values), the same mix as the load
 * benchmark's workload (b). The buffer goes through the decoder inside Netty's
 * {@link EmbeddedChannel}, so the score includes the channel's per-read overhead once per
 * batch. Score: time per command.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TextCommandDecoderBenchmark {

	static final int BATCH = 16;

	@Param({ "100", "1024" })
	public int valueSize;

	private EmbeddedChannel channel;

	private ByteBuf batch;

	@Setup(Level.Trial)
	public void setUp() {
		this.channel = new EmbeddedChannel(new TextCommandDecoder(TextProtocolLimits.DEFAULTS,
				new PendingValues(MemcachedServerBuilder.DEFAULT_MAX_PENDING_VALUE_BYTES), new LongAdder()));
		StringBuilder text = new StringBuilder();
		String value = "v".repeat(this.valueSize);
		for (int i = 0; i < BATCH; i++) {
			String key = String.format(Locale.ROOT, "bench:key:%08d", i * 37);
			if (i % 10 == 3) {
				text.append("set ").append(key).append(" 7 0 ").append(this.valueSize).append("\r\n");
				text.append(value).append("\r\n");
			}
			else {
				text.append("get ").append(key).append("\r\n");
			}
		}
		this.batch = Unpooled.unreleasableBuffer(
				Unpooled.directBuffer().writeBytes(text.toString().getBytes(StandardCharsets.US_ASCII)));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.channel.finishAndReleaseAll();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void decodePipelinedBatch(Blackhole blackhole) {
		this.channel.writeInbound(this.batch.duplicate());
		Object command;
		int n = 0;
		while ((command = this.channel.readInbound()) != null) {
			blackhole.consume(command);
			n++;
		}
		if (n != BATCH) {
			throw new IllegalStateException("decoded " + n + " commands, expected " + BATCH);
		}
	}

}
