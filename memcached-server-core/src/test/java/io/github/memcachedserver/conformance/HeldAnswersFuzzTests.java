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
import java.util.Random;
import java.util.stream.Stream;

import io.github.memcachedserver.testing.ExternalTool;
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
 * store, whose bytes memcached throws away as they come. {@code held.streams} pipelines (default
 * 300) on each of the seeds {@code held.seeds} (default 1,2).
 */
class HeldAnswersFuzzTests {

	private static final Path MEMCACHED = Paths.get("/usr/bin/memcached");

	/** Beyond this the commands stop: one loopback write of up to 64 KiB arrives whole. */
	private static final int MAX_PIPELINE = 48 * 1024;

	@TestFactory
	Stream<DynamicTest> pipelinesThatStopInsideADataBlockGetWhatMemcachedWrote() {
		ExternalTool.require(Files.isExecutable(MEMCACHED), "memcached");
		int streams = Integer.getInteger("held.streams", 300);
		return Arrays.stream(System.getProperty("held.seeds", "1,2").split(","))
			.map((seed) -> Long.parseLong(seed.trim()))
			.map((seed) -> DynamicTest.dynamicTest("seed " + seed, () -> fuzz(seed, streams)));
	}

	private static void fuzz(long seed, int streams) throws IOException {
		try (MemcachedProcess memcached = MemcachedProcess.start(MEMCACHED); OurServer ours = OurServer.start(null, null)) {
			for (int n = 0; n < streams; n++) {
				byte[] pipeline = pipeline(new Random(seed * 1_000_003 + n), "h" + seed + "_" + n + "_");
				String reference = exchange(memcached.port(), pipeline);
				String answer = exchange(ours.port(), pipeline);
				assertThat(answer).as("seed %d pipeline %d: %s", seed, n, describe(pipeline)).isEqualTo(reference);
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
			return answer.toString(StandardCharsets.ISO_8859_1);
		}
	}

	/** The pipeline's lines, values shortened, for a failure message. */
	private static String describe(byte[] pipeline) {
		return new String(pipeline, StandardCharsets.ISO_8859_1).replaceAll("x{20,}", "x...")
			.replace("\r\n", "\\r\\n ");
	}

}
