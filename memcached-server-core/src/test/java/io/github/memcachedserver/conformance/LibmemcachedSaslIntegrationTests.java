package io.github.memcachedserver.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.testing.ExternalTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libmemcached's command-line clients (libmemcached-tools: {@code memccp}, {@code memccat})
 * logging in with SASL over the binary protocol, through Cyrus SASL on the client side.
 * Without the tools the tests are skipped, except on CI, where that is a failure.
 */
class LibmemcachedSaslIntegrationTests {

	private static final Path MEMCCP = Path.of("/usr/bin/memccp");

	private static final Path MEMCCAT = Path.of("/usr/bin/memccat");

	private MemcachedServer server;

	@BeforeEach
	void start() {
		ExternalTool.require(Files.isExecutable(MEMCCP) && Files.isExecutable(MEMCCAT), "libmemcached-tools");
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.authenticator(InMemoryAuthenticator.of(Map.of("app", "s3cret")))
			.build()
			.start();
	}

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void aLoggedInClientStoresAndReads(@TempDir Path directory) throws Exception {
		Path file = Files.writeString(directory.resolve("greeting"), "hello over sasl\n");
		assertThat(run(MEMCCP, "app", "s3cret", file.toString()).exitCode()).isZero();
		ExternalTool.Result read = run(MEMCCAT, "app", "s3cret", "greeting");
		assertThat(read.exitCode()).isZero();
		assertThat(read.output()).contains("hello over sasl");
	}

	@Test
	void aWrongPasswordIsRefused() throws Exception {
		ExternalTool.Result read = run(MEMCCAT, "app", "wrong", "greeting");
		assertThat(read.exitCode()).isNotZero();
		assertThat(read.output()).contains("AUTHENTICATION FAILURE");
	}

	@Test
	void aClientWithoutCredentialsIsRefused() throws Exception {
		ExternalTool.Result read = run(MEMCCAT, null, null, "greeting");
		assertThat(read.exitCode()).isNotZero();
		assertThat(read.output()).doesNotContain("hello");
	}

	private ExternalTool.Result run(Path tool, String user, String password, String argument)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(
				List.of(tool.toString(), "--servers=127.0.0.1:" + this.server.port(), "--binary"));
		if (user != null) {
			command.addAll(List.of("--username", user, "--password", password));
		}
		command.add(argument);
		return ExternalTool.run(command, Duration.ofSeconds(30));
	}

}
