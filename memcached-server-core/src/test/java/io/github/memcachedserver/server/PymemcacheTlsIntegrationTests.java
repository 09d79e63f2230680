package io.github.memcachedserver.server;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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
		if (!available) {
			assertThat(System.getenv("CI")).as("python3-pymemcache is required on CI").isNotEqualTo("true");
			assumeThat(available).as("python3-pymemcache is not installed").isTrue();
		}
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
		Process process = new ProcessBuilder(PYTHON.toString(), resource("pymemcache/tls_workout.py").toString(),
				String.valueOf(this.server.port()), resource("tls/ca.crt").toString(), "app", "s3cret")
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		boolean finished = process.waitFor(60, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(finished).as("finished within 60 s; output:%n%s", output).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("OK");
	}

	private static Path resource(String name) throws IOException, URISyntaxException {
		return Path.of(PymemcacheTlsIntegrationTests.class.getResource("/" + name).toURI());
	}

}
