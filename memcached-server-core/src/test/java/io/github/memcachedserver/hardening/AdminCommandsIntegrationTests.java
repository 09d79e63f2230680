package io.github.memcachedserver.hardening;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flush_all}, {@code stats} and {@code verbosity} can be refused for exposed
 * endpoints: memcached's {@code -F} answer for the first, the same wording for the others,
 * silence for {@code noreply}, and the connection stays usable.
 */
@Timeout(20)
class AdminCommandsIntegrationTests {

	@Test
	void disabledAdminCommandsAreRefusedInPlace() throws Exception {
		MemcachedServer server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.flushAllEnabled(false)
			.statsEnabled(false)
			.verbosityEnabled(false)
			.build()
			.start();
		try (Socket socket = Probes.connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(("set kept 0 0 1\r\nx\r\nflush_all\r\nflush_all 0\r\nflush_all noreply\r\nstats\r\nstats settings\r\n"
					+ "stats reset\r\nverbosity 1\r\nverbosity 1 noreply\r\nget kept\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(Probes.readLine(in)).isEqualTo("STORED");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR flush_all not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR flush_all not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR stats not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR stats not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR stats not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR verbosity not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("VALUE kept 0 1");
			assertThat(Probes.readLine(in)).isEqualTo("x");
			assertThat(Probes.readLine(in)).isEqualTo("END");
		}
		finally {
			server.stop(Duration.ofSeconds(2));
		}
	}

	@Test
	void byDefaultAdminCommandsRunAsInMemcached() throws Exception {
		MemcachedServer server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
		try (Socket socket = Probes.connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write("verbosity 1\r\nflush_all\r\nstats settings\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(Probes.readLine(in)).isEqualTo("OK");
			assertThat(Probes.readLine(in)).isEqualTo("OK");
			assertThat(Probes.readLine(in)).startsWith("STAT ");
		}
		finally {
			server.stop(Duration.ofSeconds(2));
		}
	}

}
