package io.github.memcachedserver.server;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain blocking text-protocol connection for tests that need exact bytes: pipelining,
 * commands the Java clients cannot send in text mode ({@code gat}, {@code noreply}), and
 * unix domain sockets. Reads block; TCP reads time out after a few seconds, unix socket reads
 * rely on the test's own timeout (an interrupt closes the channel).
 */
final class RawConnection implements Closeable {

	private static final int READ_TIMEOUT_MILLIS = 5000;

	private final Closeable resource;

	private final InputStream in;

	private final OutputStream out;

	private RawConnection(Closeable resource, InputStream in, OutputStream out) {
		this.resource = resource;
		this.in = in;
		this.out = out;
	}

	static RawConnection open(SocketAddress address) throws IOException {
		if (address instanceof UnixDomainSocketAddress unix) {
			SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
			channel.connect(unix);
			return new RawConnection(channel, Channels.newInputStream(channel), Channels.newOutputStream(channel));
		}
		InetSocketAddress inet = (InetSocketAddress) address;
		Socket socket = new Socket();
		socket.connect(inet, READ_TIMEOUT_MILLIS);
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		socket.setTcpNoDelay(true);
		return new RawConnection(socket, socket.getInputStream(), socket.getOutputStream());
	}

	/** Talks over a socket connected elsewhere (e.g. a TLS socket). */
	static RawConnection over(Socket socket) throws IOException {
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		return new RawConnection(socket, socket.getInputStream(), socket.getOutputStream());
	}

	static RawConnection open(int port) throws IOException {
		return open(new InetSocketAddress("127.0.0.1", port));
	}

	RawConnection send(String text) throws IOException {
		return send(text.getBytes(StandardCharsets.UTF_8));
	}

	RawConnection send(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
		return this;
	}

	/** Reads one line, without its {@code \r\n}. */
	String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int b = this.in.read();
			if (b == -1) {
				throw new EOFException("connection closed after '" + line.toString(StandardCharsets.UTF_8) + "'");
			}
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(b);
			previous = b;
		}
	}

	/** Reads exactly {@code length} bytes. */
	byte[] readBytes(int length) throws IOException {
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length != length) {
			throw new EOFException("expected " + length + " bytes, got " + bytes.length);
		}
		return bytes;
	}

	/**
	 * Reads a whole retrieval response ({@code VALUE} lines with their data, up to
	 * {@code END}), returning each item as {@code "key flags data"} or, for gets-style
	 * responses, {@code "key flags data cas"}; a non-{@code VALUE}, non-{@code END} line is
	 * returned as is and ends the response.
	 */
	List<String> readRetrieval() throws IOException {
		List<String> items = new ArrayList<>();
		while (true) {
			String line = readLine();
			if (line.equals("END")) {
				return items;
			}
			if (!line.startsWith("VALUE ")) {
				items.add(line);
				return items;
			}
			String[] parts = line.split(" ");
			byte[] data = readBytes(Integer.parseInt(parts[3]));
			String terminator = readLine();
			if (!terminator.isEmpty()) {
				throw new IOException("data block not followed by \\r\\n: '" + terminator + "'");
			}
			String item = parts[1] + " " + parts[2] + " " + new String(data, StandardCharsets.UTF_8);
			items.add((parts.length > 4) ? item + " " + parts[4] : item);
		}
	}

	/** Tells whether the server has closed the connection (end of stream within the timeout). */
	boolean isClosedByServer() throws IOException {
		try {
			return this.in.read() == -1;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			// a reset is a close too
			return true;
		}
	}

	@Override
	public void close() throws IOException {
		this.resource.close();
	}

}
