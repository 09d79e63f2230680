package io.github.memcachedserver.hardening;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that declare large values and send them slowly hold at most the budget for values
 * still arriving: past it a set is refused as memcached refuses one it has no memory for, its
 * data swallowed, the connection kept; once the slow clients go, their room is free again.
 */
class PendingValuesIntegrationTests {

	private static final int VALUE = 512 * 1024;

	private MemcachedServer server;

	private final List<Socket> slowClients = new ArrayList<>();

	@BeforeEach
	void start() {
		// room for three values still arriving
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").maxPendingValueBytes(3L * VALUE + 100).build().start();
	}

	@AfterEach
	void stop() throws Exception {
		for (Socket socket : this.slowClients) {
			socket.close();
		}
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void valuesPastTheBudgetAreRefusedUntilRoomIsFree() throws Exception {
		for (int i = 0; i < 3; i++) {
			startSlowSet("slow" + i);
		}
		try (Socket socket = connect()) {
			OutputStream out = socket.getOutputStream();
			// an old item of the key: a refused set must not leave it behind
			out.write(ascii("set k 0 0 3\r\nold\r\n"));
			assertThat(Probes.readLine(socket.getInputStream())).isEqualTo("STORED");
			out.write(ascii("set k 0 0 " + VALUE + "\r\n"));
			out.write(new byte[VALUE]);
			out.write(ascii("\r\nget k\r\n"));
			out.flush();
			assertThat(Probes.readLine(socket.getInputStream())).isEqualTo("SERVER_ERROR out of memory storing object");
			assertThat(Probes.readLine(socket.getInputStream())).isEqualTo("END");
			// a small value still fits
			out.write(ascii("set small 0 0 2\r\nok\r\n"));
			assertThat(Probes.readLine(socket.getInputStream())).isEqualTo("STORED");
			for (Socket slow : this.slowClients) {
				slow.close();
			}
			Thread.sleep(200);
			out.write(ascii("set k 0 0 " + VALUE + "\r\n"));
			out.write(new byte[VALUE]);
			out.write(ascii("\r\nstats\r\n"));
			out.flush();
			assertThat(Probes.readLine(socket.getInputStream())).isEqualTo("STORED");
			List<String> stats = new ArrayList<>();
			String line;
			while (!(line = Probes.readLine(socket.getInputStream())).equals("END")) {
				stats.add(line);
			}
			assertThat(stats).contains("STAT store_no_memory 1");
		}
	}

	@Test
	void aBinarySetPastTheBudgetIsOutOfMemory() throws Exception {
		for (int i = 0; i < 3; i++) {
			startSlowSet("slow" + i);
		}
		try (Socket socket = connect()) {
			byte[] key = ascii("k");
			byte[] extras = new byte[8];
			ByteBuffer request = ByteBuffer.allocate(24 + extras.length + key.length + VALUE)
				.put((byte) 0x80).put((byte) Opcodes.SET).putShort((short) key.length).put((byte) extras.length)
				.put((byte) 0).putShort((short) 0).putInt(extras.length + key.length + VALUE).putInt(7).putLong(0)
				.put(extras).put(key).put(new byte[VALUE]);
			socket.getOutputStream().write(request.array());
			socket.getOutputStream().flush();
			byte[] header = socket.getInputStream().readNBytes(24);
			assertThat(header[0] & 0xff).isEqualTo(0x81);
			assertThat(ByteBuffer.wrap(header, 6, 2).getShort()).isEqualTo((short) Opcodes.STATUS_OUT_OF_MEMORY);
			int body = ByteBuffer.wrap(header, 8, 4).getInt();
			assertThat(new String(socket.getInputStream().readNBytes(body), StandardCharsets.US_ASCII)).isEqualTo("Out of memory");
		}
	}

	/**
	 * A set whose value arrives all but its last bytes, and then nothing more; returns once
	 * the server has read what was sent, so its value holds its part of the budget.
	 */
	private void startSlowSet(String key) throws Exception {
		Socket socket = connect();
		this.slowClients.add(socket);
		byte[] line = ascii("set " + key + " 0 0 " + VALUE + "\r\n");
		long readBefore = this.server.statistics().bytesRead();
		socket.getOutputStream().write(line);
		socket.getOutputStream().write(new byte[VALUE - 10]);
		socket.getOutputStream().flush();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (this.server.statistics().bytesRead() < readBefore + line.length + VALUE - 10
				&& System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
	}

	private Socket connect() throws Exception {
		Socket socket = new Socket("127.0.0.1", this.server.port());
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
