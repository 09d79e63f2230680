package io.github.memcachedserver.hardening;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import io.github.memcachedserver.server.MemcachedServer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends mutated pipelines and random bytes to a real server over real sockets, in random
 * pieces, then half-closes: whatever comes back must be a sequence of well-formed memcached
 * answers ending at an answer boundary, and a well-behaved client on a fresh connection is
 * still served correctly.
 * <p>
 * {@code flush_all} is disabled on this server, so a fuzzed delayed flush cannot remove the
 * fresh client's key; it also exercises that option.
 */
class TextProtocolFuzzIntegrationTests {

	private static final Duration PER_CONNECTION = Duration.ofSeconds(10);

	private static MemcachedServer server;

	@BeforeContainer
	static void startServer() {
		server = MemcachedServer.builder().listen("127.0.0.1:0").flushAllEnabled(false).build().start();
	}

	@AfterContainer
	static void stopServer() {
		server.stop(Duration.ofSeconds(2));
	}

	@Property(tries = 250)
	void mutatedPipelinesGetOnlyMemcachedAnswers(@ForAll("pipelines") byte[] pipeline, @ForAll long seed)
			throws Exception {
		Random random = new Random(seed);
		exchange(CommandStreams.mutate(pipeline, random), random);
	}

	@Property(tries = 100)
	void randomBytesGetOnlyMemcachedAnswers(@ForAll("garbage") byte[] garbage, @ForAll long seed) throws Exception {
		exchange(garbage, new Random(seed));
	}

	@Provide
	Arbitrary<byte[]> pipelines() {
		return CommandStreams.streams(20);
	}

	@Provide
	Arbitrary<byte[]> garbage() {
		return CommandStreams.garbage(8192);
	}

	private static void exchange(byte[] stream, Random random) throws Exception {
		// a first byte of 0x80 would select the binary protocol (fuzzed on its own)
		byte[] input = stream;
		if (input.length > 0 && (input[0] & 0xff) == 0x80) {
			input = input.clone();
			input[0] = 'x';
		}
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
				// the server may hang up mid-input (a runaway line, a quit): read what it said
			}
			answers = Probes.drain(socket, PER_CONNECTION);
		}
		List<String> parsed = Responses.parse(answers.bytes(), answers.reset());
		assertThat(parsed.size()).isLessThanOrEqualTo(input.length + 1);
		Probes.assertFreshClientServed(server);
	}

}
