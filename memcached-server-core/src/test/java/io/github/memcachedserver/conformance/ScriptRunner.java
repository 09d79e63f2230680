package io.github.memcachedserver.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Sends a case's writes on one fresh connection and collects the answer.
 */
final class ScriptRunner {

	/** How long memcached must stay silent before its answer counts as complete. */
	static final int QUIET_MILLIS = 200;

	/** How long our server may take to send as much as expected. */
	static final int DEADLINE_MILLIS = 3000;

	/** Extra wait after our answer looked complete, to catch surplus bytes. */
	static final int SURPLUS_MILLIS = 150;

	private ScriptRunner() {
	}

	/**
	 * What came back.
	 * @param response all bytes received
	 * @param closed whether the server closed the connection
	 * @param request the bytes actually sent ({@code {cas}} resolved)
	 */
	record Exchange(byte[] response, boolean closed, byte[] request) {
	}

	/** When to stop reading. */
	sealed interface Until {

	}

	/** Read until the server has been quiet for {@code millis} (or closed). */
	record Quiet(int millis) implements Until {
	}

	/**
	 * Read until the normalised answer is at least as long as {@code expected}'s (and closed if
	 * {@code expectClose}), within the deadline; then wait a little for surplus bytes.
	 */
	record Like(byte[] expected, boolean expectClose) implements Until {
	}

	static Exchange run(DifferentialCase c, int port, Until until) throws IOException {
		try (Socket socket = new Socket()) {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			Reader reader = new Reader(socket, in);
			ByteArrayOutputStream sent = new ByteArrayOutputStream();
			for (int i = 0; i < c.writes().size() && !reader.closed; i++) {
				int pause = c.pausesMillis().get(i);
				if (pause > 0) {
					sleep(pause);
				}
				byte[] write = c.writes().get(i);
				if (indexOf(write, Escapes.BIN_CAS_PLACEHOLDER) >= 0) {
					reader.readUntilQuiet(QUIET_MILLIS, DEADLINE_MILLIS);
					Long cas = ResponseNormalizer.lastBinaryCas(reader.buffer.toByteArray());
					write = replaceAll(write, Escapes.BIN_CAS_PLACEHOLDER, java.nio.ByteBuffer.allocate(8)
						.putLong((cas != null) ? cas : 0L)
						.array());
				}
				if (indexOf(write, Escapes.CAS_PLACEHOLDER) >= 0) {
					reader.readUntilQuiet(QUIET_MILLIS, DEADLINE_MILLIS);
					String cas = ResponseNormalizer.lastCas(reader.buffer.toByteArray());
					write = replaceAll(write, Escapes.CAS_PLACEHOLDER,
							((cas != null) ? cas : "0").getBytes(StandardCharsets.US_ASCII));
				}
				try {
					out.write(write);
					out.flush();
					sent.writeBytes(write);
				}
				catch (IOException ex) {
					// the server closed on us (e.g. after "quit" or a line that was too long)
					reader.closed = true;
				}
			}
			if (c.endInput() && !reader.closed) {
				socket.shutdownOutput();
			}
			if (until instanceof Quiet quiet) {
				reader.readUntilQuiet(quiet.millis(), 30_000);
			}
			else if (until instanceof Like like) {
				byte[] target = ResponseNormalizer.normalize(like.expected());
				long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
				while (!reader.closed && System.nanoTime() < deadline) {
					boolean enough = ResponseNormalizer.normalize(reader.buffer.toByteArray()).length >= target.length;
					if (enough && !like.expectClose()) {
						break;
					}
					reader.readSome(50);
				}
				reader.readUntilQuiet(SURPLUS_MILLIS, DEADLINE_MILLIS);
			}
			return new Exchange(reader.buffer.toByteArray(), reader.closed, sent.toByteArray());
		}
	}

	private static final class Reader {

		final Socket socket;

		final InputStream in;

		final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

		final byte[] chunk = new byte[65536];

		boolean closed;

		Reader(Socket socket, InputStream in) {
			this.socket = socket;
			this.in = in;
		}

		/** One read with a timeout; returns whether bytes arrived. */
		boolean readSome(int timeoutMillis) throws IOException {
			if (this.closed) {
				return false;
			}
			this.socket.setSoTimeout(Math.max(1, timeoutMillis));
			try {
				int n = this.in.read(this.chunk);
				if (n < 0) {
					this.closed = true;
					return false;
				}
				this.buffer.write(this.chunk, 0, n);
				return true;
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (IOException ex) {
				// connection reset: memcached closes with unread input pending
				this.closed = true;
				return false;
			}
		}

		void readUntilQuiet(int quietMillis, int capMillis) throws IOException {
			long cap = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(capMillis);
			while (!this.closed && System.nanoTime() < cap) {
				if (!readSome(quietMillis)) {
					return;
				}
			}
		}

	}

	static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static byte[] replaceAll(byte[] source, byte[] target, byte[] replacement) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int from = 0;
		while (true) {
			int idx = indexOf(Arrays.copyOfRange(source, from, source.length), target);
			if (idx < 0) {
				out.write(source, from, source.length - from);
				return out.toByteArray();
			}
			out.write(source, from, idx);
			out.writeBytes(replacement);
			from += idx + target.length;
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
