package io.github.memcachedserver.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import io.github.memcachedserver.store.ItemSize;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values arrive straight in the built-in store's memory: the server reserves an item's chunk
 * when it reads the command line and copies each read of the socket into it. Whatever the
 * size, however the bytes are cut into reads, whatever the command does with the value, it
 * comes back whole; and a value that never completes, is refused or is not stored gives its
 * memory back.
 */
@Timeout(120)
class ReceivedValuesIntegrationTests {

	private static final int ITEM_LIMIT = ConcurrentMapMemcachedStore.DEFAULT_MAX_ITEM_SIZE;

	private static final String KEY = "received:key";

	private final Random random = new Random(14);

	private ConcurrentMapMemcachedStore store;

	private MemcachedServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	private void start(long memoryLimit) {
		this.store = ConcurrentMapMemcachedStore.builder().memoryLimit(memoryLimit).build();
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").handler(this.store).build().start();
	}

	@Test
	void everySizeFromNothingToTheItemLimitComesBackWhole() throws IOException {
		start(64L * 1024 * 1024);
		try (RawConnection client = RawConnection.open(this.server.port())) {
			for (int length : sizesAroundEveryChunkSize(KEY.length())) {
				byte[] value = randomBytes(length);
				client.send(setCommand("set", KEY, value));
				assertThat(client.readLine()).as("set of %s bytes", length).isEqualTo("STORED");
				assertThat(get(client, KEY)).as("get of %s bytes", length).isEqualTo(value);
			}
			// one byte past the item limit: refused, its data swallowed, the old item gone
			int tooLarge = largestValue(KEY.length()) + 1;
			client.send(setCommand("set", KEY, randomBytes(tooLarge)));
			assertThat(client.readLine()).isEqualTo("SERVER_ERROR object too large for cache");
			assertThat(get(client, KEY)).isNull();
		}
	}

	@Test
	void valuesCutIntoManyWritesAtRandomPointsAreStoredWhole() throws Exception {
		start(64L * 1024 * 1024);
		int[] lengths = { 0, 1, 2, 100, 4095, 100 * 1024, largestValue(KEY.length()) };
		try (Socket socket = new Socket("127.0.0.1", this.server.port())) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(10_000);
			RawConnection client = RawConnection.over(socket);
			for (int round = 0; round < 3; round++) {
				for (int length : lengths) {
					byte[] value = randomBytes(length);
					// the cuts fall anywhere: in the line, the value, between '\r' and '\n'
					writeInPieces(socket.getOutputStream(), setCommand("set", KEY, value), 2 + this.random.nextInt(40));
					assertThat(client.readLine()).as("set of %s bytes", length).isEqualTo("STORED");
					assertThat(get(client, KEY)).as("get of %s bytes", length).isEqualTo(value);
				}
			}
			// a value one byte at a time, its line end too
			byte[] value = randomBytes(300);
			byte[] command = setCommand("set", KEY, value);
			writeInPieces(socket.getOutputStream(), command, command.length);
			assertThat(client.readLine()).isEqualTo("STORED");
			assertThat(get(client, KEY)).isEqualTo(value);
		}
	}

	@Test
	void pipelinedStorageCommandsDoWhatTheySayInOrder() throws IOException {
		start(64L * 1024 * 1024);
		try (RawConnection client = RawConnection.open(this.server.port())) {
			ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
			List<byte[]> values = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				byte[] value = randomBytes(this.random.nextInt(3000));
				values.add(value);
				pipeline.write(setCommand("set", "p" + i, value));
			}
			byte[] head = ascii("head-");
			byte[] tail = ascii("-tail");
			pipeline.write(setCommand("append", "p0", tail));
			pipeline.write(setCommand("prepend", "p0", head));
			pipeline.write(setCommand("add", "p1", ascii("not stored: p1 exists")));
			pipeline.write(setCommand("replace", "absent", ascii("not stored: absent")));
			pipeline.write(setCommand("add", "added", ascii("added")));
			pipeline.write(setCommand("replace", "p2", ascii("replaced")));
			pipeline.write(ascii("set noreply 0 0 7 noreply\r\nsilent!\r\n"));
			client.send(pipeline.toByteArray());
			for (int i = 0; i < 200; i++) {
				assertThat(client.readLine()).isEqualTo("STORED");
			}
			assertThat(List.of(client.readLine(), client.readLine(), client.readLine(), client.readLine(),
					client.readLine(), client.readLine()))
				.containsExactly("STORED", "STORED", "NOT_STORED", "NOT_STORED", "STORED", "STORED");
			assertThat(get(client, "p0")).isEqualTo(concat(head, values.get(0), tail));
			assertThat(get(client, "p1")).isEqualTo(values.get(1));
			assertThat(get(client, "p2")).isEqualTo(ascii("replaced"));
			assertThat(get(client, "absent")).isNull();
			assertThat(get(client, "added")).isEqualTo(ascii("added"));
			assertThat(get(client, "noreply")).isEqualTo(ascii("silent!"));
			for (int i = 3; i < 200; i++) {
				assertThat(get(client, "p" + i)).isEqualTo(values.get(i));
			}
		}
	}

	@Test
	void casAndMetaSetsStoreTheValueThatArrived() throws IOException {
		start(64L * 1024 * 1024);
		try (RawConnection client = RawConnection.open(this.server.port())) {
			byte[] first = randomBytes(5000);
			client.send(setCommand("set", KEY, first));
			assertThat(client.readLine()).isEqualTo("STORED");
			client.send("gets " + KEY + "\r\n");
			long cas = Long.parseLong(client.readLine().split(" ")[4]);
			client.readBytes(first.length + 2);
			assertThat(client.readLine()).isEqualTo("END");
			byte[] second = randomBytes(7000);
			client.send(withCas(setCommand("cas", KEY, second), cas + 1));
			assertThat(client.readLine()).isEqualTo("EXISTS");
			client.send(withCas(setCommand("cas", KEY, second), cas));
			assertThat(client.readLine()).isEqualTo("STORED");
			assertThat(get(client, KEY)).isEqualTo(second);
			// meta sets: plain with flags and TTL, append mode, and with s (the stored length)
			byte[] meta = randomBytes(20_000);
			client.send(concat(ascii("ms " + KEY + " " + meta.length + " F7 T100\r\n"), meta, ascii("\r\n")));
			assertThat(client.readLine()).isEqualTo("HD");
			byte[] more = randomBytes(3000);
			client.send(concat(ascii("ms " + KEY + " " + more.length + " MA\r\n"), more, ascii("\r\n")));
			assertThat(client.readLine()).isEqualTo("HD");
			client.send("mg " + KEY + " v f s\r\n");
			assertThat(client.readLine()).isEqualTo("VA " + (meta.length + more.length) + " f7 s" + (meta.length + more.length));
			assertThat(client.readBytes(meta.length + more.length + 2)).isEqualTo(concat(meta, more, ascii("\r\n")));
			client.send(concat(ascii("ms other 3 s\r\n"), ascii("abc"), ascii("\r\n")));
			assertThat(client.readLine()).isEqualTo("HD s3");
		}
	}

	@Test
	void binaryClientsStoreEverySizeAndEveryKindOfWrite() throws Exception {
		start(64L * 1024 * 1024);
		MemcachedClient spy = TestClients.spymemcachedBinary(this.server.port());
		net.rubyeye.xmemcached.MemcachedClient xmem = TestClients.xmemcachedBinary(this.server.port());
		try {
			TestClients.SpyBytes spyBytes = new TestClients.SpyBytes(3);
			TestClients.XmemBytes xmemBytes = new TestClients.XmemBytes(3);
			for (int length : new int[] { 0, 1, 40, 1000, 100 * 1024, largestValue(4) - 4 }) {
				byte[] value = randomBytes(length);
				assertThat(spy.set("spy1", 0, value, spyBytes).get()).isTrue();
				assertThat(spy.get("spy1", spyBytes)).as("spymemcached, %s bytes", length).isEqualTo(value);
				assertThat(xmem.set("xme1", 0, value, xmemBytes)).isTrue();
				assertThat(xmem.get("xme1", xmemBytes)).as("xmemcached, %s bytes", length).isEqualTo(value);
			}
			byte[] base = randomBytes(2000);
			assertThat(spy.set("k", 0, base, spyBytes).get()).isTrue();
			assertThat(spy.add("k", 0, ascii("no"), spyBytes).get()).isFalse();
			assertThat(spy.append(0, "k", ascii("-end"), spyBytes).get()).isTrue();
			assertThat(spy.prepend(0, "k", ascii("start-"), spyBytes).get()).isTrue();
			assertThat(spy.get("k", spyBytes)).isEqualTo(concat(ascii("start-"), base, ascii("-end")));
			CASValue<byte[]> found = spy.gets("k", spyBytes);
			byte[] swapped = randomBytes(9000);
			assertThat(spy.cas("k", found.getCas() + 1, swapped, spyBytes)).hasToString("EXISTS");
			assertThat(spy.cas("k", found.getCas(), swapped, spyBytes)).hasToString("OK");
			assertThat(spy.replace("k", 0, ascii("replaced"), spyBytes).get()).isTrue();
			assertThat(spy.replace("absent", 0, ascii("no"), spyBytes).get()).isFalse();
			assertThat(spy.get("k", spyBytes)).isEqualTo(ascii("replaced"));
			// quiet sets (SetQ): nothing answers them, the value is there all the same
			byte[] quiet = randomBytes(50_000);
			xmem.setWithNoReply("quiet", 0, quiet, xmemBytes);
			assertThat(xmem.get("quiet", xmemBytes)).isEqualTo(quiet);
			// an append with a CAS unique, which the server checks by a read before it appends
			long cas = spy.gets("quiet", spyBytes).getCas();
			assertThat(spy.append(cas + 1, "quiet", ascii("?"), spyBytes).get()).isFalse();
			assertThat(spy.append(cas, "quiet", ascii("!"), spyBytes).get()).isTrue();
			assertThat(xmem.get("quiet", xmemBytes)).isEqualTo(concat(quiet, ascii("!")));
		}
		finally {
			TestClients.shutdown(spy);
			TestClients.shutdown(xmem);
		}
	}

	/**
	 * Values that never become items give their memory back: a client that closes in the
	 * middle of a value, a value with a bad line end, an {@code add} that finds the key, sets
	 * queued behind answers the client never reads when it goes away. Afterwards the store
	 * holds exactly as many items as before.
	 */
	@Test
	void valuesThatAreNotStoredGiveTheirMemoryBack() throws Exception {
		int size = 500 * 1024;
		start(8L * 1024 * 1024);
		long capacityBefore = itemsTheLimitHolds(size);
		for (int i = 0; i < 20; i++) {
			try (Socket socket = new Socket("127.0.0.1", this.server.port())) {
				OutputStream out = socket.getOutputStream();
				out.write(ascii("set gone" + i + " 0 0 " + size + "\r\n"));
				out.write(randomBytes(this.random.nextInt(size)));
				out.flush();
			}
		}
		try (RawConnection client = RawConnection.open(this.server.port())) {
			client.send(setCommand("set", "exists", randomBytes(size)));
			assertThat(client.readLine()).isEqualTo("STORED");
			for (int i = 0; i < 20; i++) {
				client.send(setCommand("add", "exists", randomBytes(size)));
				assertThat(client.readLine()).isEqualTo("NOT_STORED");
				byte[] badEnd = setCommand("set", "bad" + i, randomBytes(size));
				badEnd[badEnd.length - 2] = 'x';
				client.send(badEnd);
				assertThat(client.readLine()).isEqualTo("CLIENT_ERROR bad data chunk");
			}
		}
		for (int i = 0; i < 5; i++) {
			try (Socket socket = new Socket()) {
				// a small window: the large answers stay unread, so the sets behind them wait
				socket.setReceiveBufferSize(4096);
				socket.connect(new java.net.InetSocketAddress("127.0.0.1", this.server.port()));
				ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
				pipeline.write(ascii("get exists\r\n".repeat(20)));
				for (int j = 0; j < 4; j++) {
					pipeline.write(setCommand("set", "queued" + j, randomBytes(size)));
				}
				socket.getOutputStream().write(pipeline.toByteArray());
				socket.getOutputStream().flush();
				Thread.sleep(50);
			}
		}
		assertThat(awaitCapacity(size, capacityBefore)).as("items the limit holds afterwards").isEqualTo(capacityBefore);
	}

	/** Writes more items than the limit holds, counts what stays, and flushes them all again. */
	private long itemsTheLimitHolds(int size) throws IOException {
		try (RawConnection client = RawConnection.open(this.server.port())) {
			client.send("flush_all\r\n");
			assertThat(client.readLine()).isEqualTo("OK");
			for (int i = 0; i < 40; i++) {
				client.send(setCommand("set", "fill" + i, randomBytes(size)));
				assertThat(client.readLine()).isEqualTo("STORED");
			}
			long held = this.store.itemCount();
			client.send("flush_all\r\n");
			assertThat(client.readLine()).isEqualTo("OK");
			return held;
		}
	}

	/** What the limit holds once the server has dropped what it should (connections close asynchronously). */
	private long awaitCapacity(int size, long expected) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		long held;
		do {
			held = itemsTheLimitHolds(size);
		}
		while (held != expected && System.nanoTime() < deadline);
		return held;
	}

	/**
	 * Every value length at which the item's chunk size class changes (a chunk exactly full,
	 * one byte less, one byte more), from an empty value to the item limit.
	 */
	private static TreeSet<Integer> sizesAroundEveryChunkSize(int keyLength) {
		TreeSet<Integer> lengths = new TreeSet<>(List.of(0, 1, 2));
		int overhead = (int) ItemSize.of(keyLength, 0, 0);
		// memcached's classes: 96 bytes, growing by 1.25, 8-byte aligned
		for (int chunk = 96; chunk < ITEM_LIMIT / 1.25; chunk = (((int) (chunk * 1.25)) + 7) & -8) {
			for (int delta = -1; delta <= 1; delta++) {
				int length = chunk - overhead + delta;
				if (length >= 0) {
					lengths.add(length);
				}
			}
		}
		lengths.add(largestValue(keyLength) - 1);
		lengths.add(largestValue(keyLength));
		return lengths;
	}

	/** The longest value an item with this key length may have, flags 0. */
	private static int largestValue(int keyLength) {
		return (int) (ITEM_LIMIT - ItemSize.of(keyLength, 0, 0));
	}

	/** Writes the bytes in pieces cut at random points, each flushed and given time to arrive on its own. */
	private void writeInPieces(OutputStream out, byte[] bytes, int pieces) throws Exception {
		TreeSet<Integer> cuts = new TreeSet<>();
		while (cuts.size() < Math.min(pieces - 1, bytes.length - 1)) {
			cuts.add(1 + this.random.nextInt(bytes.length - 1));
		}
		cuts.add(bytes.length);
		int from = 0;
		for (int cut : cuts) {
			out.write(bytes, from, cut - from);
			out.flush();
			from = cut;
			if (this.random.nextInt(4) == 0) {
				Thread.sleep(1);
			}
		}
	}

	private static byte[] get(RawConnection client, String key) throws IOException {
		client.send("get " + key + "\r\n");
		String line = client.readLine();
		if (line.equals("END")) {
			return null;
		}
		int length = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
		byte[] value = client.readBytes(length);
		assertThat(client.readBytes(2)).isEqualTo(ascii("\r\n"));
		assertThat(client.readLine()).isEqualTo("END");
		return value;
	}

	private static byte[] setCommand(String command, String key, byte[] value) {
		return concat(ascii(command + " " + key + " 0 0 " + value.length + "\r\n"), value, ascii("\r\n"));
	}

	/** Puts a CAS unique at the end of a storage command's line. */
	private static byte[] withCas(byte[] command, long cas) {
		String text = new String(command, StandardCharsets.ISO_8859_1);
		int lineEnd = text.indexOf("\r\n");
		return (text.substring(0, lineEnd) + " " + cas + text.substring(lineEnd)).getBytes(StandardCharsets.ISO_8859_1);
	}

	private byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
