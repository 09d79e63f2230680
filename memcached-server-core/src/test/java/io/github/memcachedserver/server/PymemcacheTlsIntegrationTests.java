package io.github.memcachedserver.server;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.github.memcachedserver.testing.ExternalTool;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pymemcache (Debian's python3-pymemcache) over a TLS listener that requires a login: the
 * client verifies the server certificate, logs in with memcached's {@code -Y} text login and
 * runs a workout (src/test/resources/pymemcache/tls_workout.py). Without pymemcache the test is
 * skipped, except on CI, where that is a failure.
 */
class PymemcacheTlsIntegrationTests {

	private static final Path PYTHON = Path.of("/usr/bin/python3");

	private MemcachedServer server;

	@BeforeEach
	void start() throws Exception {
		boolean available = Files.isExecutable(PYTHON)
				&& new ProcessBuilder(PYTHON.toString(), "-c", "import pymemcache").start().waitFor() == 0;
		ExternalTool.require(available, "python3-pymemcache");
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.tls(TlsIntegrationTests.serverContext(ClientAuth.NONE))
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
	void pymemcacheLogsInAndWorksOverTls() throws Exception {
		ExternalTool.Result result = ExternalTool.run(List.of(PYTHON.toString(),
				resource("pymemcache/tls_workout.py").toString(), String.valueOf(this.server.port()),
				resource("tls/ca.crt").toString(), "app", "s3cret"), Duration.ofSeconds(60));
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("OK");
	}

	private static Path resource(String name) throws IOException, URISyntaxException {
		return Path.of(PymemcacheTlsIntegrationTests.class.getResource("/" + name).toURI());
	}

}
