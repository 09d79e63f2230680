package io.github.memcachedserver.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in store lends its values' memory to the answers that send them, in every
 * protocol. A client reads a 500 KiB value slowly while another client overwrites, deletes,
 * flushes and evicts it in a loop: every answer must still carry one whole version of the
 * value, and once the answers are written every chunk must be back in use (none kept by a
 * lost reference). Netty's leak detector, paranoid in every test run, sees each lent value.
 */
@Timeout(60)
class LentValuesIntegrationTests {

	private static final int VALUE_SIZE = 500 * 1024;

	private static final long LIMIT = 8L * 1024 * 1024;

	/** More keys of the value's size than the limit holds. */
	private static final int FILL_KEYS = 40;

	private static final int SLOW_HITS = 4;

	private static final int CLIENT_READS = 60;

	private MemcachedServer server;

	private ConcurrentMapMemcachedStore store;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(SlowRead.class)
	void valuesWrittenToASlowReaderGoOutIntactWhileTheirItemsAreReplacedDeletedFlushedAndEvicted(SlowRead read)
			throws Exception {
		start();
		long capacityBefore = itemsTheLimitHolds();
		int hits = 0;
		try (Socket writer = connect(4 * 1024 * 1024); Socket reader = connect(4096)) {
			set(writer, "big", 0);
			try (Changes changes = new Changes(writer)) {
				// the item is there part of the time (deleted, flushed, evicted): read until enough answers carried it
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
				while (hits < SLOW_HITS && System.nanoTime() < deadline) {
					reader.getOutputStream().write(read.request());
					List<Integer> versions = read.answer(reader.getInputStream());
					// the keys of one command are read at the same moment
					assertThat(versions.stream().distinct()).as("versions in one answer").hasSizeLessThan(2);
					hits += versions.isEmpty() ? 0 : 1;
					if (versions.isEmpty()) {
						// a miss: let the writer go on before asking again
						Thread.sleep(2);
					}
				}
				assertThat(changes.made()).isPositive();
			}
		}
		assertThat(hits).isEqualTo(SLOW_HITS);
		assertThat(this.store.evictions()).isPositive();
		assertThat(itemsTheLimitHolds()).as("items the limit holds once every answer is written")
			.isEqualTo(capacityBefore);
	}

	@Test
	void aBinaryClientGetsWholeValuesWhileTheirItemsAreReplacedDeletedFlushedAndEvicted() throws Exception {
		start();
		long capacityBefore = itemsTheLimitHolds();
		MemcachedClient client = TestClients.spymemcachedBinary(this.server.port());
		TestClients.SpyBytes bytes = new TestClients.SpyBytes(0);
		int hits = 0;
		try (Socket writer = connect(4 * 1024 * 1024)) {
			set(writer, "big", 0);
			try (Changes changes = new Changes(writer)) {
				// as above: on a busy machine the writer can win many rounds in a row
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
				for (int i = 0; (i < CLIENT_READS || hits == 0) && System.nanoTime() < deadline; i++) {
					byte[] value = (i % 2 == 0) ? client.get("big", bytes) : valueOf(client.getAndTouch("big", 0, bytes));
					if (value != null) {
						hits++;
						assertWhole(value);
					}
				}
				assertThat(changes.made()).isPositive();
			}
		}
		finally {
			client.shutdown();
		}
		assertThat(hits).isPositive();
		assertThat(itemsTheLimitHolds()).as("items the limit holds once every answer is written")
			.isEqualTo(capacityBefore);
	}

	private static byte[] valueOf(CASValue<byte[]> hit) {
		return (hit != null) ? hit.getValue() : null;
	}

	private void start() {
		this.store = ConcurrentMapMemcachedStore.builder().memoryLimit(LIMIT).build();
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").handler(this.store).build().start();
	}

	/**
	 * The reads that send a value, each written to ask for {@code big} and to read the answer
	 * 4 KiB at a time; an answer tells the versions of the value it carried (none for a miss).
	 */
	enum SlowRead {

		GET("get big\r\n"), GETS_TWICE("gets big big\r\n"), GAT("gat 0 big\r\n"), GATS_TWICE("gats 0 big big\r\n"),
		MG_WITH_FLAGS("mg big s v t f c k Oab\r\nmn\r\n"), MG_QUIET_BASE64_KEY("mg Ymln b v q\r\nmn\r\n"),
		BINARY_GET(Opcodes.GET, false), BINARY_GETKQ(Opcodes.GETKQ, false), BINARY_GAT(Opcodes.GAT, true),
		BINARY_GATKQ(Opcodes.GATKQ, true);

		private final byte[] request;

		private final boolean binary;

		SlowRead(String request) {
			this.request = request.getBytes(StandardCharsets.US_ASCII);
			this.binary = false;
		}

		/** One request, then a no-op whose answer ends the exchange (quiet misses answer nothing). */
		SlowRead(int opcode, boolean touch) {
			ByteArrayOutputStream packets = new ByteArrayOutputStream();
			packets.writeBytes(packet(opcode, touch ? new byte[4] : new byte[0], "big".getBytes(StandardCharsets.US_ASCII)));
			packets.writeBytes(packet(Opcodes.NOOP, new byte[0], new byte[0]));
			this.request = packets.toByteArray();
			this.binary = true;
		}

		byte[] request() {
			return this.request;
		}

		List<Integer> answer(InputStream in) throws Exception {
			return this.binary ? binaryAnswer(new DataInputStream(in)) : textAnswer(in);
		}

		private List<Integer> textAnswer(InputStream in) throws Exception {
			List<Integer> versions = new ArrayList<>();
			for (String line = readLine(in); !line.equals("END") && !line.equals("MN"); line = readLine(in)) {
				if (line.startsWith("EN")) {
					// a miss (echoing k and O)
					continue;
				}
				assertThat(line).matches(switch (this) {
					case GET, GAT -> "VALUE big 0 " + VALUE_SIZE;
					case GETS_TWICE, GATS_TWICE -> "VALUE big 0 " + VALUE_SIZE + " \\d+";
					case MG_WITH_FLAGS -> "VA " + VALUE_SIZE + " s" + VALUE_SIZE + " t-1 f0 c\\d+ kbig Oab";
					default -> "VA " + VALUE_SIZE;
				});
				versions.add(readValueSlowly(in, VALUE_SIZE, true));
			}
			return versions;
		}

		private List<Integer> binaryAnswer(DataInputStream in) throws Exception {
			List<Integer> versions = new ArrayList<>();
			while (true) {
				byte[] header = new byte[24];
				in.readFully(header);
				ByteBuffer fields = ByteBuffer.wrap(header);
				assertThat(fields.get(0) & 0xff).isEqualTo(Opcodes.RESPONSE_MAGIC);
				int opcode = fields.get(1) & 0xff;
				int keyLength = fields.getShort(2);
				int extrasLength = fields.get(4);
				int status = fields.getShort(6);
				int bodyLength = fields.getInt(8);
				if (opcode == Opcodes.NOOP) {
					return versions;
				}
				assertThat(opcode).isEqualTo(this.request[1] & 0xff);
				if (status != Opcodes.STATUS_OK) {
					assertThat(status).isEqualTo(Opcodes.STATUS_KEY_NOT_FOUND);
					in.readFully(new byte[bodyLength]);
					continue;
				}
				assertThat(extrasLength).isEqualTo(4);
				in.readFully(new byte[extrasLength + keyLength]);
				assertThat(bodyLength - extrasLength - keyLength).isEqualTo(VALUE_SIZE);
				versions.add(readValueSlowly(in, VALUE_SIZE, false));
			}
		}

		private static byte[] packet(int opcode, byte[] extras, byte[] key) {
			return ByteBuffer.allocate(24 + extras.length + key.length)
				.put((byte) Opcodes.REQUEST_MAGIC)
				.put((byte) opcode)
				.putShort((short) key.length)
				.put((byte) extras.length)
				.put(new byte[3])
				.putInt(extras.length + key.length)
				.putInt(0)
				.putLong(0)
				.put(extras)
				.put(key)
				.array();
		}

	}

	/** Reads a value 4 KiB at a time, checks it is one whole version, and returns the version. */
	private static int readValueSlowly(InputStream in, int length, boolean lineEnd) throws Exception {
		byte[] value = new byte[length + (lineEnd ? 2 : 0)];
		int read = 0;
		while (read < value.length) {
			int n = in.read(value, read, Math.min(4096, value.length - read));
			assertThat(n).isPositive();
			read += n;
			Thread.sleep(1);
		}
		if (lineEnd) {
			assertThat(value).endsWith((byte) '\r', (byte) '\n');
		}
		return assertWhole(value);
	}

	private static int assertWhole(byte[] value) {
		int version = ByteBuffer.wrap(value).getInt();
		assertThat(value).as("the whole of version %s", version).startsWith(value(version));
		return version;
	}

	/** Replaces, deletes, flushes and evicts the value in a loop, until closed. */
	private static final class Changes implements AutoCloseable {

		private final AtomicBoolean changing = new AtomicBoolean(true);

		private final ExecutorService pool = Executors.newSingleThreadExecutor();

		private final Future<Integer> made;

		Changes(Socket writer) {
			this.made = this.pool.submit(() -> changeInALoop(writer));
		}

		private int changeInALoop(Socket writer) throws IOException {
			int version = 1;
			while (this.changing.get()) {
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

		/** Stops the changes; returns how many it made. */
		int made() throws Exception {
			this.changing.set(false);
			return this.made.get();
		}

		@Override
		public void close() throws Exception {
			this.changing.set(false);
			this.pool.shutdown();
		}

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
