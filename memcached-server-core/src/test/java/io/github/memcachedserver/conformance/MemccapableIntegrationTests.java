package io.github.memcachedserver.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Runs libmemcached's {@code memccapable}, memcached's own protocol conformance checker, in
 * both its ASCII and binary modes against our server. Without the tool the tests are
 * skipped, except on CI, where that is a failure.
 */
class MemccapableIntegrationTests {

	private static final Path MEMCCAPABLE = Path.of("/usr/bin/memccapable");

	private MemcachedServer server;

	@BeforeEach
	void start() {
		if (!Files.isExecutable(MEMCCAPABLE)) {
			assertThat(System.getenv("CI")).as("memccapable (libmemcached-tools) is required on CI").isNotEqualTo("true");
			assumeThat(Files.isExecutable(MEMCCAPABLE)).as("memccapable is not installed").isTrue();
		}
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
	}

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void asciiProtocolPassesEveryCheck() throws Exception {
		assertThat(run("-a")).contains("All tests passed").doesNotContain("[FAIL]");
	}

	@Test
	void binaryProtocolPassesEveryCheck() throws Exception {
		assertThat(run("-b")).contains("All tests passed").doesNotContain("[FAIL]");
	}

	private String run(String mode) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(MEMCCAPABLE.toString(), "-h", "127.0.0.1", "-p",
				String.valueOf(this.server.port()), "-t", "10", mode)
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		boolean finished = process.waitFor(60, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(finished).as("memccapable finished within 60 s; output:%n%s", output).isTrue();
		return output;
	}

}
