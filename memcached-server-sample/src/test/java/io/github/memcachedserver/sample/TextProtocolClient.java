package io.github.memcachedserver.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One raw memcached text-protocol connection, to see the exact answer lines (and that the
 * same connection keeps working across failures), which a full client would hide.
 */
final class TextProtocolClient implements AutoCloseable {

	private final Socket socket;

	private final BufferedReader reader;

	private final OutputStream out;

	TextProtocolClient(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(15_000);
		this.reader = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		this.out = this.socket.getOutputStream();
	}

	/**
	 * Sends a command and returns its answer lines: up to and including {@code END} for a
	 * retrieval, else the one status line.
	 */
	List<String> send(String command) throws IOException {
		this.out.write(command.getBytes(StandardCharsets.UTF_8));
		this.out.flush();
		boolean retrieval = command.startsWith("get");
		List<String> lines = new ArrayList<>();
		while (true) {
			String line = this.reader.readLine();
			if (line == null) {
				throw new IOException("connection closed by the server after " + lines);
			}
			lines.add(line);
			if (!retrieval || line.equals("END") || line.startsWith("SERVER_ERROR") || line.startsWith("CLIENT_ERROR")) {
				return lines;
			}
		}
	}

	/** Sends many one-line commands in one write and returns their status lines. */
	List<String> sendPipelined(String commands, int count) throws IOException {
		this.out.write(commands.getBytes(StandardCharsets.UTF_8));
		this.out.flush();
		List<String> lines = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String line = this.reader.readLine();
			if (line == null) {
				throw new IOException("connection closed by the server after " + lines);
			}
			lines.add(line);
		}
		return lines;
	}

	String storage(String command, String key, String value) throws IOException {
		byte[] data = value.getBytes(StandardCharsets.UTF_8);
		return send(command + " " + key + " 0 0 " + data.length + "\r\n" + value + "\r\n").get(0);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
