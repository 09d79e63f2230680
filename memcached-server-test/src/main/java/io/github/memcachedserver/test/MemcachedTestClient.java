package io.github.memcachedserver.test;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A memcached client for tests: one blocking connection that sends what it is given and
 * returns the server's answer as it came, so that a test sees memcached's exact lines (which a
 * full client hides), plus get/set/delete helpers for the text, meta and binary protocols.
 * <pre>
 * try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
 *     assertThat(client.set("greeting", "hello")).isEqualTo("STORED");
 *     assertThat(client.send("get greeting missing\r\n")).containsExactly("VALUE greeting 0 5", "hello", "END");
 * }
 * </pre>
 * A server tells the protocol by a connection's first byte: use one connection for text and
 * meta commands, another for binary ones. Reads time out after five seconds (configurable),
 * so a missing answer fails the test rather than hanging it. Not thread-safe.
 *
 * @since 0.1.0
 */
public final class MemcachedTestClient implements Closeable {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	private static final int BINARY_HEADER = 24;

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private MemcachedTestClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	/**
	 * Connects to a server on the loopback address.
	 * @param port its port, e.g. the one {@code @LocalMemcachedServerPort} injects
	 * @return the client
	 */
	public static MemcachedTestClient connect(int port) {
		return connect("127.0.0.1", port, DEFAULT_TIMEOUT);
	}

	/**
	 * Connects to a server.
	 * @param host its host
	 * @param port its port
	 * @param timeout how long to wait for the connection and for each read
	 * @return the client
	 */
	public static MemcachedTestClient connect(String host, int port, Duration timeout) {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			socket.setTcpNoDelay(true);
			return new MemcachedTestClient(socket);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("Could not connect to " + host + ":" + port, ex);
		}
	}

	// raw text and meta

	/**
	 * Sends one text or meta request (its line, with {@code \r\n}, and any data block) and reads
	 * its answer: every line up to {@code END} for a retrieval or {@code stats}, else its one
	 * line; a value's data block is one element of the list. Not for {@code noreply} or
	 * {@code q} requests, which have no answer: {@link #write} them.
	 * @param request the request, e.g. {@code "get a b\r\n"}
	 * @return the answer's lines, without their {@code \r\n}
	 */
	public List<String> send(String request) {
		write(request);
		return readAnswer();
	}

	/**
	 * Sends bytes as they are, without reading anything (pipelining, {@code noreply}, a
	 * request cut in two).
	 * @param request the bytes, as text
	 */
	public void write(String request) {
		write(request.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Sends bytes as they are, without reading anything.
	 * @param request the bytes
	 */
	public void write(byte[] request) {
		try {
			this.out.write(request);
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads one text or meta answer, as {@link #send} does: after a {@link #write} of pipelined
	 * requests, call it once per request.
	 * @return the answer's lines
	 */
	public List<String> readAnswer() {
		List<String> lines = new ArrayList<>();
		while (true) {
			String line = readLine();
			lines.add(line);
			if (line.startsWith("VALUE ")) {
				lines.add(readDataBlock(field(line, 3)));
			}
			else if (line.startsWith("VA ")) {
				lines.add(readDataBlock(field(line, 1)));
				return lines;
			}
			else if (!line.startsWith("STAT ")) {
				// END, or a one-line answer: STORED, DELETED, HD, EN, ERROR, VERSION 1.6.18, 42, ...
				return lines;
			}
		}
	}

	/**
	 * Reads one line, without its {@code \r\n}.
	 * @return the line
	 */
	public String readLine() {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = read();
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
	}

	// text helpers

	/**
	 * Reads a key with {@code get}.
	 * @param key the key
	 * @return its value, or {@code null} on a miss
	 */
	public @Nullable String get(String key) {
		List<String> answer = send("get " + key + "\r\n");
		return answer.get(0).startsWith("VALUE ") ? answer.get(1) : expectEnd(answer);
	}

	/**
	 * Stores a value with {@code set}, flags 0, no expiry.
	 * @param key the key
	 * @param value the value
	 * @return the answer, {@code STORED} when it worked
	 */
	public String set(String key, String value) {
		return store("set", key, value);
	}

	/**
	 * Runs a storage command ({@code set}, {@code add}, {@code replace}, {@code append},
	 * {@code prepend}) with flags 0 and no expiry.
	 * @param command the command
	 * @param key the key
	 * @param value the value
	 * @return the answer's line, e.g. {@code STORED}, {@code NOT_STORED}
	 */
	public String store(String command, String key, String value) {
		byte[] data = value.getBytes(StandardCharsets.UTF_8);
		return send(command + " " + key + " 0 0 " + data.length + "\r\n" + value + "\r\n").get(0);
	}

	/**
	 * Deletes a key with {@code delete}.
	 * @param key the key
	 * @return the answer, {@code DELETED} or {@code NOT_FOUND}
	 */
	public String delete(String key) {
		return send("delete " + key + "\r\n").get(0);
	}

	// meta helpers

	/**
	 * Reads a key with {@code mg <key> v}.
	 * @param key the key
	 * @return its value, or {@code null} on a miss ({@code EN})
	 */
	public @Nullable String metaGet(String key) {
		List<String> answer = send("mg " + key + " v\r\n");
		return answer.get(0).startsWith("VA ") ? answer.get(1) : expect("EN", answer);
	}

	/**
	 * Stores a value with {@code ms}.
	 * @param key the key
	 * @param value the value
	 * @return the answer, {@code HD} when it worked
	 */
	public String metaSet(String key, String value) {
		byte[] data = value.getBytes(StandardCharsets.UTF_8);
		return send("ms " + key + " " + data.length + "\r\n" + value + "\r\n").get(0);
	}

	/**
	 * Deletes a key with {@code md}.
	 * @param key the key
	 * @return the answer, {@code HD} or {@code NF}
	 */
	public String metaDelete(String key) {
		return send("md " + key + "\r\n").get(0);
	}

	// binary

	/**
	 * Sends one binary request and reads its response. Not for quiet requests that succeed,
	 * which have no response.
	 * @param opcode the opcode, e.g. {@link BinaryResponse#GET}
	 * @param key the key (empty for none)
	 * @param extras the extras (empty for none)
	 * @param value the value (empty for none)
	 * @return the response
	 */
	public BinaryResponse binary(int opcode, String key, byte[] extras, byte[] value) {
		byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
		ByteBuffer request = ByteBuffer.allocate(BINARY_HEADER + extras.length + keyBytes.length + value.length);
		request.put((byte) 0x80)
			.put((byte) opcode)
			.putShort((short) keyBytes.length)
			.put((byte) extras.length)
			.put((byte) 0)
			.putShort((short) 0)
			.putInt(extras.length + keyBytes.length + value.length)
			.putInt(opcode)
			.putLong(0)
			.put(extras)
			.put(keyBytes)
			.put(value);
		write(request.array());
		return readBinaryResponse();
	}

	/**
	 * Reads one binary response (after {@link #write} of pipelined requests).
	 * @return the response
	 */
	public BinaryResponse readBinaryResponse() {
		ByteBuffer header = ByteBuffer.wrap(readBytes(BINARY_HEADER));
		if (header.get(0) != (byte) 0x81) {
			throw new IllegalStateException("Not a binary response: first byte 0x" + Integer.toHexString(header.get(0) & 0xff));
		}
		int opcode = header.get(1) & 0xff;
		int keyLength = header.getShort(2) & 0xffff;
		int extrasLength = header.get(4) & 0xff;
		int status = header.getShort(6) & 0xffff;
		int bodyLength = header.getInt(8);
		long cas = header.getLong(16);
		byte[] extras = readBytes(extrasLength);
		byte[] key = readBytes(keyLength);
		byte[] value = readBytes(bodyLength - extrasLength - keyLength);
		return new BinaryResponse(opcode, status, cas, extras, new String(key, StandardCharsets.UTF_8), value);
	}

	/**
	 * Reads a key with the binary {@code GET}.
	 * @param key the key
	 * @return its value, or {@code null} when it is not found
	 */
	public @Nullable String binaryGet(String key) {
		BinaryResponse response = binary(BinaryResponse.GET, key, new byte[0], new byte[0]);
		if (response.status() == BinaryResponse.STATUS_KEY_NOT_FOUND) {
			return null;
		}
		return response.requireSuccess().valueAsString();
	}

	/**
	 * Stores a value with the binary {@code SET}, flags 0, no expiry.
	 * @param key the key
	 * @param value the value
	 * @return the response, status 0 when it worked
	 */
	public BinaryResponse binarySet(String key, String value) {
		return binary(BinaryResponse.SET, key, new byte[8], value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Deletes a key with the binary {@code DELETE}.
	 * @param key the key
	 * @return the response, status 0 when it was deleted
	 */
	public BinaryResponse binaryDelete(String key) {
		return binary(BinaryResponse.DELETE, key, new byte[0], new byte[0]);
	}

	/**
	 * Tells whether the server has closed the connection: the next read finds its end.
	 * @return whether the connection is closed
	 */
	public boolean isClosedByServer() {
		try {
			return this.in.read() == -1;
		}
		catch (IOException ex) {
			return true;
		}
	}

	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	private String readDataBlock(String length) {
		byte[] block = readBytes(Integer.parseInt(length) + 2);
		if (block[block.length - 2] != '\r' || block[block.length - 1] != '\n') {
			throw new IllegalStateException("A data block does not end with \\r\\n");
		}
		return new String(block, 0, block.length - 2, StandardCharsets.UTF_8);
	}

	private byte[] readBytes(int length) {
		try {
			byte[] bytes = this.in.readNBytes(length);
			if (bytes.length < length) {
				throw new EOFException("The server closed the connection");
			}
			return bytes;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private int read() {
		try {
			int next = this.in.read();
			if (next == -1) {
				throw new EOFException("The server closed the connection");
			}
			return next;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String field(String line, int index) {
		return line.split(" ")[index];
	}

	private static @Nullable String expectEnd(List<String> answer) {
		return expect("END", answer);
	}

	private static @Nullable String expect(String miss, List<String> answer) {
		if (!answer.equals(List.of(miss))) {
			throw new IllegalStateException("Unexpected answer: " + answer);
		}
		return null;
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing a test connection: nothing to do
		}
	}

}
