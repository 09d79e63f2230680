package io.github.memcachedserver.conformance;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.github.memcachedserver.auth.MemcachedAuthenticator;

/**
 * The one user both servers of a case require: memcached's text login ({@code -Y} with an auth
 * file, text protocol only) or SASL ({@code -S} with Cyrus SASL's sasldb and the PLAIN mechanism,
 * binary protocol only), and our server with the same user.
 *
 * @param user the user name
 * @param password the password
 * @param sasl whether the login is SASL (binary) rather than the text login
 */
record Login(String user, String password, boolean sasl) {

	/** Cyrus SASL's tool that writes a sasldb (Debian's sasl2-bin). */
	static final Path SASLPASSWD2 = Path.of("/usr/sbin/saslpasswd2");

	static Login parse(String userColonPassword, boolean sasl) {
		String[] parts = userColonPassword.split(":", 2);
		if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
			throw new IllegalArgumentException("expected user:password, got '" + userColonPassword + "'");
		}
		return new Login(parts[0], parts[1], sasl);
	}

	/**
	 * Returns our server's authenticator: for SASL one that offers PLAIN only, as the
	 * reference is configured to.
	 */
	MemcachedAuthenticator authenticator() {
		InMemoryAuthenticator users = InMemoryAuthenticator.of(Map.of(this.user, this.password));
		return this.sasl ? users::authenticate : users;
	}

	/**
	 * Configures memcached for this login: its extra arguments, and for SASL the Cyrus
	 * configuration directory it finds through {@code SASL_CONF_PATH}.
	 */
	void configure(List<String> command, Map<String, String> environment) {
		try {
			Path directory = Files.createTempDirectory("memcached-login");
			directory.toFile().deleteOnExit();
			if (!this.sasl) {
				Path file = Files.writeString(directory.resolve("users"), this.user + ":" + this.password + "\n");
				file.toFile().deleteOnExit();
				command.addAll(List.of("-Y", file.toString()));
				return;
			}
			Path database = directory.resolve("sasldb2");
			Path configuration = Files.writeString(directory.resolve("memcached.conf"),
					"mech_list: plain\nsasldb_path: " + database + "\n");
			configuration.toFile().deleteOnExit();
			Process writer = new ProcessBuilder(SASLPASSWD2.toString(), "-p", "-c", "-a", "memcached", "-f",
					database.toString(), this.user).redirectErrorStream(true).start();
			try (OutputStream in = writer.getOutputStream()) {
				in.write(this.password.getBytes(StandardCharsets.UTF_8));
			}
			if (!writer.waitFor(10, TimeUnit.SECONDS) || writer.exitValue() != 0) {
				throw new IllegalStateException("saslpasswd2 failed: "
						+ new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
			database.toFile().deleteOnExit();
			command.add("-S");
			environment.put("SASL_CONF_PATH", directory.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** What logs a probe connection in before its text {@code stats}. */
	String textLogin() {
		String credentials = this.user + " " + this.password;
		return "set login 0 0 " + credentials.length() + "\r\n" + credentials + "\r\n";
	}

	/**
	 * Logs a binary probe in and asks for the {@code pid} statistic.
	 * @return the pid the server reports, or {@code null}
	 */
	String binaryPid(Socket probe) throws IOException {
		byte[] message = ("\0" + this.user + "\0" + this.password).getBytes(StandardCharsets.UTF_8);
		OutputStream out = probe.getOutputStream();
		out.write(packet(0x21, "PLAIN".getBytes(StandardCharsets.US_ASCII), message));
		out.write(packet(0x10, new byte[0], new byte[0]));
		DataInputStream in = new DataInputStream(probe.getInputStream());
		while (true) {
			byte[] header = new byte[24];
			in.readFully(header);
			ByteBuffer fields = ByteBuffer.wrap(header);
			int keyLength = fields.getShort(2) & 0xffff;
			byte[] body = new byte[fields.getInt(8)];
			in.readFully(body);
			if (header[1] == 0x10 && keyLength == 0) {
				return null;
			}
			String key = new String(body, 0, keyLength, StandardCharsets.US_ASCII);
			if (header[1] == 0x10 && key.equals("pid")) {
				return new String(body, keyLength, body.length - keyLength, StandardCharsets.US_ASCII);
			}
		}
	}

	private static byte[] packet(int opcode, byte[] key, byte[] value) {
		return ByteBuffer.allocate(24 + key.length + value.length)
			.put((byte) 0x80).put((byte) opcode).putShort((short) key.length).putInt(0)
			.putInt(key.length + value.length).putInt(0).putLong(0)
			.put(key).put(value).array();
	}

}
