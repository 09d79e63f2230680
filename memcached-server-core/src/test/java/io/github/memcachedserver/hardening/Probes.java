package io.github.memcachedserver.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.memcachedserver.server.MemcachedServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measurements and blocking socket helpers shared by the hardening tests.
 */
final class Probes {

	private static final AtomicInteger keys = new AtomicInteger();

	private Probes() {
	}

	/** Heap in use after explicit collections, in bytes (MemoryMXBean). */
	static long heapAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	/** Direct memory held by Netty's default allocator (the server's), in bytes. */
	static long nettyDirectMemory() {
		return (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider)
				? provider.metric().usedDirectMemory() : 0;
	}

	static long mib(long bytes) {
		return bytes >> 20;
	}

	static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(5000);
		socket.setTcpNoDelay(true);
		return socket;
	}

	/** Reads one line without its "\r\n". */
	static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("end of stream after '" + line + "'");
			}
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
			}
			line.write(b);
			previous = b;
		}
	}

	/**
	 * Reads until the server closes the connection (or resets it), at most {@code timeout}.
	 * @return the bytes, and whether the stream ended by a reset
	 */
	static Drained drain(Socket socket, Duration timeout) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		long deadline = System.nanoTime() + timeout.toNanos();
		InputStream in = socket.getInputStream();
		byte[] chunk = new byte[64 * 1024];
		while (true) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("server did not close the connection within " + timeout + " (got "
						+ bytes.size() + " bytes)");
			}
			int n;
			try {
				n = in.read(chunk);
			}
			catch (SocketTimeoutException ex) {
				continue;
			}
			catch (SocketException ex) {
				return new Drained(bytes.toByteArray(), true);
			}
			if (n < 0) {
				return new Drained(bytes.toByteArray(), false);
			}
			bytes.write(chunk, 0, n);
		}
	}

	record Drained(byte[] bytes, boolean reset) {
	}

	/** Tells whether the server closed the connection: end of stream or reset within the read timeout. */
	static boolean closedByServer(Socket socket) throws IOException {
		try {
			InputStream in = socket.getInputStream();
			while (true) {
				if (in.read() < 0) {
					return true;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	/**
	 * Proves the server still works for a well-behaved client: a fresh connection stores a
	 * value, reads it back byte for byte, and answers {@code version}.
	 */
	static void assertFreshClientServed(MemcachedServer server) throws IOException {
		String key = "fresh-" + keys.incrementAndGet();
		String value = "value-" + key;
		try (Socket socket = connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(("set " + key + " 5 0 " + value.length() + "\r\n" + value + "\r\nget " + key + "\r\nversion\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(readLine(in)).isEqualTo("STORED");
			assertThat(readLine(in)).isEqualTo("VALUE " + key + " 5 " + value.length());
			assertThat(readLine(in)).isEqualTo(value);
			assertThat(readLine(in)).isEqualTo("END");
			assertThat(readLine(in)).startsWith("VERSION ");
		}
	}

	/** Waits until a condition holds, at most {@code timeout}. */
	static boolean await(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			Thread.sleep(20);
		}
		return condition.getAsBoolean();
	}

}
