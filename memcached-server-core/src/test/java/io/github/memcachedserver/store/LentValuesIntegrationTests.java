package io.github.memcachedserver.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in store lends its values' memory to the answers that send them. A client reads
 * a 500 KiB value slowly while another client overwrites, deletes, flushes and evicts it in
 * a loop: every answer must still carry one whole version of the value, and once the
 * answers are written every chunk must be back in use (none kept by a lost reference).
 */
@Timeout(60)
class LentValuesIntegrationTests {

	private static final int VALUE_SIZE = 500 * 1024;

	private static final long LIMIT = 8L * 1024 * 1024;

	/** More keys of the value's size than the limit holds. */
	private static final int FILL_KEYS = 40;

	private static final int SLOW_READS = 12;

	private MemcachedServer server;

	private ConcurrentMapMemcachedStore store;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void valuesWrittenToASlowReaderGoOutIntactWhileTheirItemsAreReplacedDeletedFlushedAndEvicted() throws Exception {
		this.store = ConcurrentMapMemcachedStore.builder().memoryLimit(LIMIT).build();
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").handler(this.store).build().start();
		long capacityBefore = itemsTheLimitHolds();
		AtomicBoolean changing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try (Socket writer = connect(4 * 1024 * 1024); Socket reader = connect(4096)) {
			set(writer, "big", 0);
			Future<Integer> changes = pool.submit(() -> changeInALoop(writer, changing));
			int hits = 0;
			for (int round = 0; round < SLOW_READS; round++) {
				// a single-key get, then a multi-key get that asks for the value twice
				hits += readSlowly(reader, 1 + round % 2) ? 1 : 0;
			}
			changing.set(false);
			assertThat(changes.get()).isPositive();
			assertThat(hits).isPositive();
		}
		finally {
			pool.shutdown();
		}
		assertThat(this.store.evictions()).isPositive();
		assertThat(itemsTheLimitHolds()).as("items the limit holds once every answer is written")
			.isEqualTo(capacityBefore);
	}

	/** Replaces, deletes, flushes and evicts the value until told to stop; returns how many changes it made. */
	private int changeInALoop(Socket writer, AtomicBoolean changing) throws IOException {
		int version = 1;
		while (changing.get()) {
			set(writer, "big", version);
			switch (version % 4) {
				case 1 -> command(writer, "delete big", "DELETED");
				case 2 -> command(writer, "flush_all", "OK");
				case 3 -> set(writer, "other:" + version, version);
				default -> {
				}
			}
			version++;
		}
		return version;
	}

	/**
	 * Gets the value (naming the key {@code times} times) and reads the answer 4 KiB at a
	 * time; returns whether it was a hit.
	 */
	private boolean readSlowly(Socket reader, int times) throws Exception {
		reader.getOutputStream().write(("get" + " big".repeat(times) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		InputStream in = reader.getInputStream();
		String line = readLine(in);
		if (line.equals("END")) {
			return false;
		}
		int firstVersion = -1;
		for (int block = 0; block < times; block++, line = readLine(in)) {
			assertThat(line).isEqualTo("VALUE big 0 " + VALUE_SIZE);
			byte[] value = new byte[VALUE_SIZE + 2];
			int read = 0;
			while (read < value.length) {
				int n = in.read(value, read, Math.min(4096, value.length - read));
				assertThat(n).isPositive();
				read += n;
				Thread.sleep(1);
			}
			int version = ByteBuffer.wrap(value).getInt();
			assertThat(value).as("the whole of version %s", version)
				.startsWith(value(version))
				.endsWith((byte) '\r', (byte) '\n');
			// the keys of one get are read at the same moment
			assertThat(version).isEqualTo((block == 0) ? version : firstVersion);
			firstVersion = version;
		}
		assertThat(line).isEqualTo("END");
		return true;
	}

	/** Writes more than the limit holds, counts what stays, and deletes it all again. */
	private long itemsTheLimitHolds() throws IOException {
		try (Socket client = connect(1024 * 1024)) {
			command(client, "flush_all", "OK");
			for (int i = 0; i < FILL_KEYS; i++) {
				set(client, "fill:" + i, i);
			}
			long held = this.store.itemCount();
			command(client, "flush_all", "OK");
			return held;
		}
	}

	private static void set(Socket client, String key, int version) throws IOException {
		OutputStream out = client.getOutputStream();
		out.write(("set " + key + " 0 0 " + VALUE_SIZE + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.write(value(version));
		out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		assertThat(readLine(client.getInputStream())).isEqualTo("STORED");
	}

	private static void command(Socket client, String command, String expected) throws IOException {
		client.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
		assertThat(readLine(client.getInputStream())).isEqualTo(expected);
	}

	/** A value whose every byte depends on its version, which its first four bytes hold. */
	private static byte[] value(int version) {
		ByteBuffer value = ByteBuffer.allocate(VALUE_SIZE).putInt(version);
		while (value.hasRemaining()) {
			value.put((byte) (version * 31 + value.position()));
		}
		return value.array();
	}

	private Socket connect(int receiveBuffer) throws IOException {
		Socket socket = new Socket();
		// a small receive buffer keeps most of a slowly read answer in the server's hands
		socket.setReceiveBufferSize(receiveBuffer);
		socket.connect(new InetSocketAddress("127.0.0.1", this.server.port()), 5000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("end of stream after '" + line + "'");
			}
			line.write(b);
		}
		byte[] bytes = line.toByteArray();
		return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
	}

}
