package io.github.memcachedserver.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.github.memcachedserver.server.Transport;
import io.github.memcachedserver.testing.ExternalTool;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random pipelines that stop inside a data block, then close their sending side: which
 * answers memcached wrote before it started waiting for the rest of the block (the others it
 * drops when the input ends) follows from where it writes (after an answered {@code get} and
 * {@code mn}, after 21 and then every 20 lines, when its 16 KiB read buffer runs empty), and
 * ours must write the same bytes and close too. Each pipeline (at most 57 KiB) goes out in one
 * write, which arrives whole over loopback: both servers read it as memcached's buffer takes it,
 * whatever the timing.
 * <p>
 * The grammar holds only commands whose answers compare byte for byte (no CAS uniques, none
 * of the listed deviations, no number that {@code incr} makes shorter): storage commands with values of 1 byte to 9 KB, reads, {@code
 * incr}, {@code delete}, {@code touch}, {@code mn}, {@code mg}, {@code ms}, unknown commands and
 * {@code noreply}. The pipeline ends in a data block cut short, or in a value too large to
 * store, whose bytes memcached throws away as they come.
 * <p>
 * A third of the pipelines are binary: gets, sets (values of up to 9 KB) and their quiet and
 * key-returning forms, {@code delete},
 * {@code add}, {@code incr}, {@code append}, {@code touch}, no-ops, {@code version} and an unknown
 * opcode without a body, ending in a value cut short, a value too large, a key cut short (which
 * memcached waits for in its buffer, writing first) or half a header. Answers compare after the
 * differential suite's normalisation (CAS uniques as a pattern).
 * <p>
 * {@code held.streams} pipelines (default 300) on each of the seeds {@code held.seeds} (default
 * 1,2).
 */
class HeldAnswersFuzzTests {

	private static final Path MEMCACHED = Paths.get("/usr/bin/memcached");

	/** Beyond this the commands stop: one loopback write of up to 64 KiB arrives whole. */
	private static final int MAX_PIPELINE = 48 * 1024;

	@TestFactory
	Stream<DynamicTest> pipelinesThatStopInsideADataBlockGetWhatMemcachedWrote() {
		ExternalTool.require(Files.isExecutable(MEMCACHED), "memcached");
		int streams = Integer.getInteger("held.streams", 300);
		// io_uring too where the kernel allows it: it reports the end of input before the read
		// that came first, where epoll reports it after
		List<Transport> transports = IoUring.isAvailable() ? List.of(Transport.AUTO, Transport.IO_URING)
				: List.of(Transport.AUTO);
		return Arrays.stream(System.getProperty("held.seeds", "1,2").split(","))
			.map((seed) -> Long.parseLong(seed.trim()))
			.flatMap((seed) -> transports.stream()
				.map((transport) -> DynamicTest.dynamicTest("seed " + seed + " on " + transport,
						() -> fuzz(seed, streams, transport))));
	}

	private static void fuzz(long seed, int streams, Transport transport) throws IOException {
		try (MemcachedProcess memcached = MemcachedProcess.start(MEMCACHED);
				OurServer ours = OurServer.start(null, null, transport)) {
			for (int n = 0; n < streams; n++) {
				Random random = new Random(seed * 1_000_003 + n);
				String prefix = "h" + seed + "_" + n + "_";
				boolean binary = random.nextInt(3) == 0;
				byte[] pipeline = binary ? binaryPipeline(random, prefix) : pipeline(random, prefix);
				String reference = exchange(memcached.port(), pipeline);
				String answer = exchange(ours.port(), pipeline);
				assertThat(answer).as("seed %d pipeline %d: %s", seed, n, describe(pipeline, binary)).isEqualTo(reference);
			}
		}
	}

	private static byte[] pipeline(Random random, String prefix) {
		ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
		for (int i = random.nextInt(70); i > 0 && pipeline.size() < MAX_PIPELINE; i--) {
			pipeline.writeBytes(command(random, prefix + (char) ('a' + random.nextInt(3))));
		}
		String key = prefix + "z";
		String unfinished = random.nextBoolean() ? "set " + key + " 0 0 " + (3 + random.nextInt(30000)) + "\r\nab"
				: "set " + key + " 0 0 2000000\r\nab";
		pipeline.writeBytes(unfinished.getBytes(StandardCharsets.US_ASCII));
		return pipeline.toByteArray();
	}

	private static byte[] command(Random random, String key) {
		String command = switch (random.nextInt(13)) {
			case 0 -> storage("set", key, random);
			case 1 -> storage("append", key, random);
			case 2 -> storage("add", key, random);
			case 3 -> "get " + key + "\r\n";
			case 4 -> "gat 100 " + key + "\r\n";
			case 5 -> "incr " + key + " " + random.nextInt(1000) + "\r\n";
			case 6 -> "delete " + key + "\r\n";
			case 7 -> "touch " + key + " 100\r\n";
			case 8 -> "mn\r\n";
			case 9 -> "mg " + key + " v f\r\n";
			case 10 -> "ms " + key + " 2 T0\r\n" + (1 + random.nextInt(9)) + random.nextInt(10) + "\r\n";
			case 11 -> "version\r\nbogus\r\n";
			default -> "set " + key + " 0 0 1 noreply\r\n" + (1 + random.nextInt(9)) + "\r\n";
		};
		return command.getBytes(StandardCharsets.US_ASCII);
	}

	private static String storage(String command, String key, Random random) {
		int length = switch (random.nextInt(4)) {
			case 0 -> 9000;
			case 1 -> 1 + random.nextInt(200);
			default -> 1 + random.nextInt(9);
		};
		// short values are numbers for incr, without leading zeros, which incr would drop (a listed
		// deviation pads the shorter number); long ones are not numbers, as memcached misreads
		// numbers of 2^63 or more
		String value = ((length < 10) ? String.valueOf(1 + random.nextInt(9)) : "x").repeat(length);
		return command + " " + key + " 0 0 " + length + "\r\n" + value + "\r\n";
	}

	private static byte[] binaryPipeline(Random random, String prefix) {
		ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
		for (int i = random.nextInt(80); i > 0 && pipeline.size() < MAX_PIPELINE; i--) {
			String key = prefix + (char) ('a' + random.nextInt(3));
			pipeline.writeBytes(BinaryPacket.parse(binaryCommand(random, key) + " opaque=" + random.nextInt(100)));
		}
		String key = prefix + "z";
		String set = "op=set key=" + key + " extras=00000000:00000000 ";
		byte[] unfinished = switch (random.nextInt(4)) {
			case 0 -> BinaryPacket.parse(set + "value=abc bodylen=" + (8 + key.length() + 100));
			case 1 -> BinaryPacket.parse(set + "bodylen=" + (8 + key.length() + 2_000_000));
			case 2 -> Arrays.copyOf(BinaryPacket.parse("op=get key=" + key), BinaryPacket.HEADER + 1);
			default -> Arrays.copyOf(BinaryPacket.parse("op=get key=" + key), BinaryPacket.HEADER / 2);
		};
		pipeline.writeBytes(unfinished);
		return pipeline.toByteArray();
	}

	private static String binaryCommand(Random random, String key) {
		String storage = " key=" + key + " extras=00000000:00000000 value=";
		return switch (random.nextInt(14)) {
			case 0 -> "op=set" + storage + "v".repeat(random.nextBoolean() ? 1 + random.nextInt(300) : 9000);
			case 1 -> "op=setq" + storage + "q";
			case 2 -> "op=add" + storage + "a";
			case 3 -> "op=append key=" + key + " value=zz";
			case 4 -> "op=get key=" + key;
			case 5 -> "op=getq key=" + key;
			case 6 -> "op=getk key=" + key;
			case 7 -> "op=getkq key=" + key;
			case 8 -> "op=delete key=" + key;
			case 9 -> "op=incr key=" + key + " extras=0000000000000001:0000000000000005:00000000";
			case 10 -> "op=touch key=" + key + " extras=00000064";
			case 11 -> "op=noop";
			case 12 -> "op=version";
			default -> "op=55";
		};
	}

	/** Sends the pipeline in one write, closes the sending side, and reads until the server closes. */
	private static String exchange(int port, byte[] pipeline) throws IOException {
		try (Socket socket = new Socket()) {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(3000);
			socket.getOutputStream().write(pipeline);
			socket.shutdownOutput();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			try {
				in.transferTo(answer);
			}
			catch (SocketTimeoutException ex) {
				answer.writeBytes("[still open]".getBytes(StandardCharsets.US_ASCII));
			}
			return new String(ResponseNormalizer.normalize(answer.toByteArray()), StandardCharsets.ISO_8859_1);
		}
	}

	/** The pipeline's lines, values shortened, for a failure message. */
	private static String describe(byte[] pipeline, boolean binary) {
		if (binary) {
			return HexFormat.of().formatHex(pipeline);
		}
		return new String(pipeline, StandardCharsets.ISO_8859_1).replaceAll("x{20,}", "x...")
			.replace("\r\n", "\\r\\n ");
	}

}
