package io.github.memcachedserver.hardening;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.server.MemcachedServer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends mutated binary pipelines and random bytes starting with the request magic (so the
 * binary decoder is chosen) to a real server, each on a fresh connection, in random pieces,
 * then half-closes: whatever comes back must be a sequence of well-formed response packets
 * (magic 0x81, a known status, key and extras within a body of the announced length) ending
 * at a packet boundary unless the connection was reset, within a bounded time; and a
 * well-behaved binary client on a fresh connection still stores and reads back a value.
 */
class BinaryProtocolFuzzIntegrationTests {

	private static final Duration PER_CONNECTION = Duration.ofSeconds(10);

	private static final AtomicInteger freshKeys = new AtomicInteger();

	private static MemcachedServer server;

	@BeforeContainer
	static void startServer() {
		server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
	}

	@AfterContainer
	static void stopServer() {
		server.stop(Duration.ofSeconds(2));
	}

	@Property(tries = 250, edgeCases = EdgeCasesMode.MIXIN)
	void mutatedPipelinesGetOnlyResponsePackets(@ForAll("pipelines") List<byte[]> pipeline, @ForAll long seed)
			throws Exception {
		Random random = new Random(seed);
		byte[] input = BinaryPackets.mutate(pipeline, random);
		// the first byte picks the protocol: keep this connection binary
		if (input.length > 0) {
			input[0] = (byte) Opcodes.REQUEST_MAGIC;
		}
		exchange(input, random);
	}

	@Property(tries = 100, edgeCases = EdgeCasesMode.MIXIN)
	void randomBytesGetOnlyResponsePackets(@ForAll("garbage") byte[] garbage, @ForAll long seed) throws Exception {
		exchange(garbage, new Random(seed));
	}

	@Provide
	Arbitrary<List<byte[]>> pipelines() {
		return BinaryPackets.pipelines(20);
	}

	@Provide
	Arbitrary<byte[]> garbage() {
		return BinaryPackets.garbage(8192);
	}

	private static void exchange(byte[] input, Random random) throws Exception {
		Probes.Drained answers;
		try (Socket socket = Probes.connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			try {
				for (byte[] chunk : CommandStreams.split(input, random)) {
					out.write(chunk);
					out.flush();
				}
				socket.shutdownOutput();
			}
			catch (IOException ex) {
				// the server may hang up mid-input (a bad magic, a quit): read what it said
			}
			answers = Probes.drain(socket, PER_CONNECTION);
		}
		List<BinaryPackets.Response> parsed = BinaryPackets.parse(answers.bytes(), answers.reset());
		for (BinaryPackets.Response response : parsed) {
			if (response.opcode() != Opcodes.STAT) {
				// every packet but a stat answer's answers one request of at least a header
				assertThat(response.body().length).as("answer body").isLessThanOrEqualTo(1024 * 1024 + 64);
			}
		}
		assertThat(parsed.size()).as("answers").isLessThanOrEqualTo(input.length / BinaryPackets.HEADER * 100 + 1);
		assertFreshBinaryClientServed(server);
	}

	/** A fresh connection sets a new key, reads it back byte for byte, and gets a version. */
	static void assertFreshBinaryClientServed(MemcachedServer server) throws IOException {
		byte[] key = BinaryPackets.ascii("bfresh-" + freshKeys.incrementAndGet());
		byte[] value = BinaryPackets.ascii("value-of-" + new String(key, java.nio.charset.StandardCharsets.ISO_8859_1));
		byte[] none = new byte[0];
		try (Socket socket = Probes.connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(CommandStreams.concat(List.of(
					BinaryPackets.packet(Opcodes.SET, BinaryPackets.ints(0x2a, 0), key, value, 11, 0),
					BinaryPackets.packet(Opcodes.GETK, none, key, none, 12, 0),
					BinaryPackets.packet(Opcodes.VERSION, none, none, none, 13, 0))));
			out.flush();
			BinaryPackets.Response set = BinaryPackets.read(in);
			assertThat(set.opcode()).isEqualTo(Opcodes.SET);
			assertThat(set.opaque()).isEqualTo(11);
			assertThat(set.status()).as("set status").isEqualTo(Opcodes.STATUS_OK);
			assertThat(set.cas()).isNotZero();
			BinaryPackets.Response get = BinaryPackets.read(in);
			assertThat(get.opcode()).isEqualTo(Opcodes.GETK);
			assertThat(get.opaque()).isEqualTo(12);
			assertThat(get.status()).as("get status").isEqualTo(Opcodes.STATUS_OK);
			assertThat(get.extrasLength()).isEqualTo(4);
			assertThat(BinaryPackets.ints(0x2a)).isEqualTo(java.util.Arrays.copyOf(get.body(), 4));
			assertThat(java.util.Arrays.copyOfRange(get.body(), 4, 4 + get.keyLength())).isEqualTo(key);
			assertThat(get.value()).isEqualTo(value);
			assertThat(get.cas()).isEqualTo(set.cas());
			BinaryPackets.Response version = BinaryPackets.read(in);
			assertThat(version.opcode()).isEqualTo(Opcodes.VERSION);
			assertThat(version.opaque()).isEqualTo(13);
			assertThat(version.status()).isEqualTo(Opcodes.STATUS_OK);
			assertThat(version.value()).isNotEmpty();
		}
	}

}
