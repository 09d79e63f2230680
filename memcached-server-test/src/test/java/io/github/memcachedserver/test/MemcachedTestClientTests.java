package io.github.memcachedserver.test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The test client against the reference: the real memcached (Debian's 1.6.18), which the
 * project's machines have. Every protocol and helper, and a pipeline.
 */
class MemcachedTestClientTests {

	private static final Path MEMCACHED = Path.of("/usr/bin/memcached");

	private static Process memcached;

	private static int port;

	@BeforeAll
	static void startMemcached() throws Exception {
		assumeTrue(Files.isExecutable(MEMCACHED), "memcached is not installed");
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		memcached = new ProcessBuilder(MEMCACHED.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0",
				"-u", "nobody").redirectErrorStream(true).start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			try {
				MemcachedTestClient.connect(port).close();
				return;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(20);
			}
		}
	}

	@AfterAll
	static void stopMemcached() throws InterruptedException {
		if (memcached != null) {
			memcached.destroy();
			memcached.waitFor();
		}
	}

	@Test
	void textHelpersAndRawAnswers() {
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			assertThat(client.set("text:a", "hello")).isEqualTo("STORED");
			assertThat(client.store("add", "text:a", "again")).isEqualTo("NOT_STORED");
			assertThat(client.get("text:a")).isEqualTo("hello");
			assertThat(client.get("text:missing")).isNull();
			assertThat(client.send("get text:a text:missing text:a\r\n")).containsExactly("VALUE text:a 0 5", "hello",
					"VALUE text:a 0 5", "hello", "END");
			assertThat(client.send("incr text:a 1\r\n")).singleElement().asString().startsWith("CLIENT_ERROR");
			assertThat(client.send("bogus\r\n")).containsExactly("ERROR");
			assertThat(client.send("stats settings\r\n")).contains("STAT maxconns 1024").endsWith("END");
			assertThat(client.delete("text:a")).isEqualTo("DELETED");
			assertThat(client.delete("text:a")).isEqualTo("NOT_FOUND");
		}
	}

	@Test
	void aPipelineIsReadAnswerByAnswer() {
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			client.write("set pipe:a 0 0 1 noreply\r\n1\r\nget pipe:a\r\nversion\r\n");
			assertThat(client.readAnswer()).containsExactly("VALUE pipe:a 0 1", "1", "END");
			assertThat(client.readAnswer()).singleElement().asString().startsWith("VERSION ");
		}
	}

	@Test
	void metaHelpers() {
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			assertThat(client.metaSet("meta:a", "value with spaces")).isEqualTo("HD");
			assertThat(client.metaGet("meta:a")).isEqualTo("value with spaces");
			assertThat(client.send("mg meta:a s v\r\n")).containsExactly("VA 17 s17", "value with spaces");
			assertThat(client.metaDelete("meta:a")).isEqualTo("HD");
			assertThat(client.metaDelete("meta:a")).isEqualTo("NF");
			assertThat(client.metaGet("meta:a")).isNull();
			assertThat(client.send("mn\r\n")).containsExactly("MN");
		}
	}

	@Test
	void binaryHelpers() {
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			BinaryResponse stored = client.binarySet("binary:a", "bytes");
			assertThat(stored.status()).isZero();
			assertThat(stored.cas()).isPositive();
			assertThat(client.binaryGet("binary:a")).isEqualTo("bytes");
			assertThat(client.binaryDelete("binary:a").status()).isZero();
			assertThat(client.binaryDelete("binary:a").status()).isEqualTo(BinaryResponse.STATUS_KEY_NOT_FOUND);
			assertThat(client.binaryGet("binary:a")).isNull();
		}
	}

	@Test
	void aClosedConnectionFailsTheReadInsteadOfHanging() {
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			client.write("quit\r\n");
			assertThat(client.isClosedByServer()).isTrue();
		}
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			client.write("quit\r\n");
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(client::readLine);
		}
	}

	@Test
	void refusedConnectionsSayWhere() throws IOException {
		int closed;
		try (ServerSocket free = new ServerSocket(0)) {
			closed = free.getLocalPort();
		}
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> MemcachedTestClient.connect(closed))
			.withMessageContaining("127.0.0.1:" + closed);
	}

	@Test
	void readsDataBlocksWithLineBreaksInside() {
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			assertThat(client.set("text:lines", "one\r\ntwo")).isEqualTo("STORED");
			assertThat(client.send("get text:lines\r\n")).containsExactly("VALUE text:lines 0 8", "one\r\ntwo", "END");
			assertThat(List.of(client.get("text:lines"))).containsExactly("one\r\ntwo");
		}
	}

}
