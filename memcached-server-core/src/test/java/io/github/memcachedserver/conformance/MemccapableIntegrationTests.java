package io.github.memcachedserver.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.testing.ExternalTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
		ExternalTool.require(Files.isExecutable(MEMCCAPABLE), "libmemcached-tools (memccapable)");
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
		return ExternalTool.run(List.of(MEMCCAPABLE.toString(), "-h", "127.0.0.1", "-p",
				String.valueOf(this.server.port()), "-t", "10", mode), Duration.ofSeconds(60)).output();
	}

}
