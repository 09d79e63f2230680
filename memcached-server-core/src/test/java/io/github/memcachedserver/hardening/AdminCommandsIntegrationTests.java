package io.github.memcachedserver.hardening;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.memcachedserver.internal.protocol.binary.Opcodes;
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
					+ "stats cachedump 1 0\r\nstats reset\r\nverbosity 1\r\nverbosity 1 noreply\r\nget kept\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(Probes.readLine(in)).isEqualTo("STORED");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR flush_all not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR flush_all not allowed");
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR stats not allowed");
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
			assertThat(settings(in)).contains("STAT flush_enabled yes", "STAT binding_protocol auto-negotiate");
		}
		finally {
			server.stop(Duration.ofSeconds(2));
		}
	}

	@Test
	void statsSettingsTellThatFlushIsRefused() throws Exception {
		MemcachedServer server = MemcachedServer.builder().listen("127.0.0.1:0").flushAllEnabled(false).build().start();
		try (Socket socket = Probes.connect(server.port())) {
			socket.getOutputStream().write("stats settings\r\n".getBytes(StandardCharsets.US_ASCII));
			// memcached -F says "flush_enabled no"
			assertThat(settings(socket.getInputStream())).contains("STAT flush_enabled no");
		}
		finally {
			server.stop(Duration.ofSeconds(2));
		}
	}

	/** Reads the lines of a {@code stats settings} answer, up to its {@code END}. */
	private static List<String> settings(InputStream in) throws Exception {
		List<String> lines = new ArrayList<>();
		for (String line = Probes.readLine(in); !line.equals("END"); line = Probes.readLine(in)) {
			lines.add(line);
		}
		return lines;
	}

	@Test
	void disabledAdminCommandsAreRefusedOverTheBinaryProtocolToo() throws Exception {
		MemcachedServer server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.flushAllEnabled(false)
			.statsEnabled(false)
			.build()
			.start();
		try (Socket socket = new Socket("127.0.0.1", server.port())) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write(BinaryPackets.packet(Opcodes.SET, BinaryPackets.ints(0, 0), BinaryPackets.ascii("k"),
					BinaryPackets.ascii("v"), 1, 0));
			out.write(BinaryPackets.packet(Opcodes.FLUSH, new byte[0], new byte[0], new byte[0], 2, 0));
			out.write(BinaryPackets.packet(Opcodes.STAT, new byte[0], new byte[0], new byte[0], 3, 0));
			out.write(BinaryPackets.packet(Opcodes.GET, new byte[0], BinaryPackets.ascii("k"), new byte[0], 4, 0));
			InputStream in = socket.getInputStream();
			assertThat(BinaryPackets.read(in).status()).isEqualTo(Opcodes.STATUS_OK);
			// memcached's answer to a Flush when started with -F
			assertThat(BinaryPackets.read(in).status()).isEqualTo(Opcodes.STATUS_AUTH_ERROR);
			assertThat(BinaryPackets.read(in).status()).isEqualTo(Opcodes.STATUS_AUTH_ERROR);
			BinaryPackets.Response get = BinaryPackets.read(in);
			assertThat(get.status()).isEqualTo(Opcodes.STATUS_OK);
			assertThat(get.value()).isEqualTo(BinaryPackets.ascii("v"));
		}
		finally {
			server.stop();
		}
	}

}
