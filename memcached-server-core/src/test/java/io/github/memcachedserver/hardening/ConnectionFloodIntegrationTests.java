package io.github.memcachedserver.hardening;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 5,000 connections held open at once (client and server ends both live in this JVM, so
 * twice as many descriptors), then every one of them served; the connection limit still
 * turns away one more with memcached's answer.
 */
@Timeout(60)
class ConnectionFloodIntegrationTests {

	private static final int WANTED = 5000;

	private static final long HEAP_BOUND = 96L * 1024 * 1024;

	private final List<SocketChannel> clients = new ArrayList<>();

	private MemcachedServer server;

	@AfterEach
	void closeAll() throws IOException {
		for (SocketChannel client : this.clients) {
			client.close();
		}
		if (this.server != null) {
			this.server.stop(Duration.ofSeconds(5));
		}
	}

	@Test
	void fiveThousandConnectionsAreHeldThenServed() throws Exception {
		int count = affordableConnections();
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").maxConnections(count).build().start();
		long heapBefore = Probes.heapAfterGc();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", this.server.port()));
			this.clients.add(client);
		}
		assertThat(Probes.await(Duration.ofSeconds(20), () -> this.server.statistics().currentConnections() == count))
			.as("%d connections open on the server", count).isTrue();
		long opened = System.nanoTime();
		long heapHeld = Probes.heapAfterGc();
		// one over the limit: memcached's answer, then the server hangs up
		try (SocketChannel extra = SocketChannel.open(new InetSocketAddress("127.0.0.1", this.server.port()))) {
			assertThat(readLine(extra)).isEqualTo("ERROR Too many open connections");
		}
		for (int i = 0; i < count; i++) {
			write(this.clients.get(i), "set c" + i + " 0 0 " + String.valueOf(i).length() + "\r\n" + i + "\r\nget c" + i + "\r\n");
		}
		for (int i = 0; i < count; i++) {
			SocketChannel client = this.clients.get(i);
			assertThat(readLine(client)).isEqualTo("STORED");
			assertThat(readLine(client)).isEqualTo("VALUE c" + i + " 0 " + String.valueOf(i).length());
			assertThat(readLine(client)).isEqualTo(String.valueOf(i));
			assertThat(readLine(client)).isEqualTo("END");
		}
		long served = System.nanoTime();
		System.out.printf("[hardening] %d connections: opened in %d ms, all served in %d ms; heap +%d MiB while held%n",
				count, Duration.ofNanos(opened - start).toMillis(), Duration.ofNanos(served - opened).toMillis(),
				Probes.mib(heapHeld - heapBefore));
		assertThat(heapHeld - heapBefore).isLessThan(HEAP_BOUND);
		// one leaves, and a fresh client takes its place
		this.clients.remove(0).close();
		assertThat(Probes.await(Duration.ofSeconds(5), () -> this.server.statistics().currentConnections() == count - 1))
			.isTrue();
		Probes.assertFreshClientServed(this.server);
	}

	/** 5,000, or fewer when the descriptor limit cannot hold both ends of that many. */
	private static int affordableConnections() throws IOException {
		long limit = maxOpenFiles();
		long affordable = (limit - 500) / 2;
		if (affordable < WANTED) {
			System.out.printf("[hardening] WARNING: the open-file limit (%d) allows only %d connections, not %d; "
					+ "raise 'ulimit -n' to run the full test%n", limit, affordable, WANTED);
			return (int) Math.max(100, affordable);
		}
		return WANTED;
	}

	private static long maxOpenFiles() throws IOException {
		Path limits = Path.of("/proc/self/limits");
		if (Files.isReadable(limits)) {
			for (String line : Files.readAllLines(limits)) {
				if (line.startsWith("Max open files")) {
					String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
					return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
				}
			}
		}
		return 1024;
	}

	private static void write(SocketChannel channel, String text) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	private static String readLine(SocketChannel channel) throws IOException {
		StringBuilder line = new StringBuilder();
		ByteBuffer one = ByteBuffer.allocate(1);
		while (true) {
			one.clear();
			if (channel.read(one) < 0) {
				throw new IOException("closed after '" + line + "'");
			}
			char c = (char) one.get(0);
			if (c == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
				return line.substring(0, line.length() - 1);
			}
			line.append(c);
		}
	}

}
