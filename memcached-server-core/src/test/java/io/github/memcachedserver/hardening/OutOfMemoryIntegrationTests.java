package io.github.memcachedserver.hardening;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server on a small heap, in a JVM of its own: it keeps serving while a thousand clients
 * each leave most of a 1 MB value unsent, and an {@link OutOfMemoryError} on its event loop ends
 * the process (status 3) instead of leaving it alive and serving nobody.
 */
class OutOfMemoryIntegrationTests {

	private Process server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.destroyForcibly();
		}
	}

	@Test
	void anOutOfMemoryErrorOnTheEventLoopEndsTheProcess() throws Exception {
		int port = startServer("-Xmx128m");
		try (Socket client = Probes.connect(port)) {
			client.getOutputStream().write(ascii("get small\r\n"));
			assertThat(Probes.readLine(client.getInputStream())).isEqualTo("VALUE small 0 5");
			client.getOutputStream().write(ascii("get huge\r\n"));
			assertThat(this.server.waitFor(20, TimeUnit.SECONDS)).as("the process ended").isTrue();
		}
		assertThat(this.server.exitValue()).isEqualTo(3);
	}

	@Test
	void aThousandPartialValuesOnASmallHeapLeaveTheServerServing() throws Exception {
		int port = startServer("-Xmx256m");
		int value = 1024 * 1024;
		byte[] mostOfAValue = new byte[value - 1024];
		List<Socket> attackers = new ArrayList<>();
		try {
			for (int i = 0; i < 1000; i++) {
				Socket attacker = Probes.connect(port);
				attackers.add(attacker);
				OutputStream out = attacker.getOutputStream();
				out.write(ascii("set partial" + i + " 0 0 " + value + "\r\n"));
				out.write(mostOfAValue);
				out.flush();
			}
			try (Socket client = Probes.connect(port)) {
				client.getOutputStream().write(ascii("get fresh\r\n"));
				assertThat(Probes.readLine(client.getInputStream())).isEqualTo("VALUE fresh 0 5");
			}
			assertThat(this.server.isAlive()).isTrue();
		}
		finally {
			for (Socket attacker : attackers) {
				attacker.close();
			}
		}
		try (Socket client = Probes.connect(port)) {
			client.getOutputStream().write(ascii("get after\r\n"));
			assertThat(Probes.readLine(client.getInputStream())).isEqualTo("VALUE after 0 5");
		}
	}

	/** Starts {@link OutOfMemoryServerMain} with the given heap option and returns its port. */
	private int startServer(String heap) throws IOException {
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		this.server = new ProcessBuilder(java, heap, "-cp", System.getProperty("java.class.path"),
				OutOfMemoryServerMain.class.getName())
			.redirectErrorStream(true)
			.start();
		BufferedReader output = new BufferedReader(
				new InputStreamReader(this.server.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = output.readLine()) != null) {
			if (line.startsWith("port ")) {
				// keep draining what the process prints, so it never blocks on a full pipe
				Thread drain = new Thread(() -> output.lines().forEach((ignored) -> {
				}));
				drain.setDaemon(true);
				drain.start();
				return Integer.parseInt(line.substring(5).trim());
			}
		}
		throw new IllegalStateException("the server ended before it listened");
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
