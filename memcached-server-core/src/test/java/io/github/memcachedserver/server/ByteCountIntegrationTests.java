package io.github.memcachedserver.server;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bytes_read} and {@code bytes_written} count exactly what crossed the socket, over text
 * and binary connections alike (the decoders count what they receive, the reply queue what it
 * writes). As memcached does, a {@code stats} request is counted as read before its own answer,
 * which is not yet counted as written. memcached 1.6.18 gives the same counts for the same
 * exchanges.
 */
@Timeout(30)
class ByteCountIntegrationTests {

	private MemcachedServer server;

	@BeforeEach
	void start() {
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").threads(1).build().start();
	}

	@AfterEach
	void stop() {
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void textRequestsAndAnswersAreCountedByTheByte() throws Exception {
		try (RawConnection text = RawConnection.open(this.server.port())) {
			// 20 bytes in, "STORED\r\n" (8) out
			assertThat(text.send("set k 0 0 5\r\nhello\r\n").readLine()).isEqualTo("STORED");
			// 7 bytes in, "VALUE k 0 5\r\nhello\r\nEND\r\n" (25) out
			assertThat(text.send("get k\r\n").readRetrieval()).containsExactly("k 0 hello");
		}
		Map<String, String> stats = stats();
		assertThat(stats).containsEntry("bytes_read", String.valueOf(20 + 7 + "stats\r\n".length()))
			.containsEntry("bytes_written", String.valueOf(8 + 25));
	}

	@Test
	void binaryRequestsAndAnswersAreCountedByTheByte() throws Exception {
		try (RawConnection binary = RawConnection.open(this.server.port())) {
			// a noop and a version request, 24-byte headers each; answers of 24 and 24 + "1.6.18"
			binary.send(header(0x0a)).send(header(0x0b));
			assertThat(binary.readBytes(24)[1]).isEqualTo((byte) 0x0a);
			assertThat(binary.readBytes(24 + 6)[1]).isEqualTo((byte) 0x0b);
		}
		Map<String, String> stats = stats();
		assertThat(stats).containsEntry("bytes_read", String.valueOf(24 + 24 + "stats\r\n".length()))
			.containsEntry("bytes_written", String.valueOf(24 + 30));
	}

	private static byte[] header(int opcode) {
		byte[] header = new byte[24];
		header[0] = (byte) 0x80;
		header[1] = (byte) opcode;
		return header;
	}

	private Map<String, String> stats() throws IOException {
		Map<String, String> stats = new HashMap<>();
		try (RawConnection text = RawConnection.open(this.server.port())) {
			text.send("stats\r\n");
			for (String line = text.readLine(); !line.equals("END"); line = text.readLine()) {
				String[] parts = line.split(" ", 3);
				stats.put(parts[1], parts[2]);
			}
		}
		return stats;
	}

}
