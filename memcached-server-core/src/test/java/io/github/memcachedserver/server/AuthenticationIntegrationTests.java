package io.github.memcachedserver.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.auth.AuthenticatedUser;
import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.github.memcachedserver.auth.MemcachedAuthenticator;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A server that requires authentication, over real sockets: memcached's {@code -Y} login on
 * text connections (byte for byte as memcached 1.6.18 answers it), SASL PLAIN and CRAM-MD5
 * on binary ones (memcached's {@code -S} statuses), the principal handed to handlers, and
 * real clients refused with wrong credentials. The full client workouts over SASL are
 * {@link SpymemcachedSaslIntegrationTests} and {@link XmemcachedSaslIntegrationTests}.
 */
@Timeout(30)
class AuthenticationIntegrationTests {

	private static final MemcachedAuthenticator USERS = InMemoryAuthenticator.of(Map.of("app", "s3cret"));

	private MemcachedServer server;

	private MemcachedClient client;

	@AfterEach
	void stop() {
		TestClients.shutdown(this.client);
		if (this.server != null) {
			this.server.stop();
		}
	}

	private int start(MemcachedAuthenticator authenticator, MemcachedCommandHandler handler) {
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.authenticator(authenticator)
			.handler(handler)
			.build()
			.start();
		return this.server.port();
	}

	private int start(MemcachedAuthenticator authenticator) {
		return start(authenticator, ConcurrentMapMemcachedStore.builder().build());
	}

	@Test
	void textCommandsBeforeLoginAreRefusedAndTheConnectionStays() throws IOException {
		try (RawConnection connection = RawConnection.open(start(USERS))) {
			for (String command : List.of("get a", "version", "mn", "stats", "delete a", "bogus")) {
				connection.send(command + "\r\n");
				assertThat(connection.readLine()).as(command).isEqualTo("CLIENT_ERROR unauthenticated");
			}
			connection.send("set a 0 0 10\r\napp s3cret\r\nget a\r\n");
			assertThat(connection.readLine()).isEqualTo("STORED");
			// the login stores nothing
			assertThat(connection.readLine()).isEqualTo("END");
		}
	}

	@Test
	void textLoginChecksTheCredentialsInTheValue() throws IOException {
		try (RawConnection connection = RawConnection.open(start(USERS))) {
			connection.send("set x 0 0 10\r\napp wrong!\r\n");
			assertThat(connection.readLine()).isEqualTo("CLIENT_ERROR authentication failure");
			connection.send("set x 0 0 3\r\napp\r\n");
			assertThat(connection.readLine()).isEqualTo("CLIENT_ERROR bad authentication token format");
			connection.send("add x 0 0 10\r\napp s3cret\r\n");
			assertThat(connection.readLine()).isEqualTo("CLIENT_ERROR unauthenticated");
			// key, flags and exptime do not matter; extra tokens after the password are ignored
			connection.send("set any 5 100 13 noreply\r\napp  s3cret x\r\n");
			assertThat(connection.readLine()).isEqualTo("STORED");
			connection.send("set k 0 0 1\r\nv\r\nget k\r\nstats\r\n");
			assertThat(connection.readLine()).isEqualTo("STORED");
			assertThat(connection.readRetrieval()).containsExactly("k 0 v");
			Map<String, String> stats = readStats(connection);
			assertThat(stats).containsEntry("auth_cmds", "2").containsEntry("auth_errors", "1");
		}
	}

	@Test
	void spymemcachedTextClientLogsInWithASet() throws Exception {
		this.client = TestClients.spymemcached(start(USERS));
		assertThat(this.client.set("login", 0, "app s3cret").get()).isTrue();
		assertThat(this.client.set("k", 0, "value").get()).isTrue();
		assertThat(this.client.get("k")).isEqualTo("value");
		assertThat(this.client.get("login")).isNull();
	}

	@Test
	void binaryRequestsBeforeSaslAreRefusedAndTheConnectionCloses() throws IOException {
		try (RawConnection connection = RawConnection.open(start(USERS))) {
			connection.send(packet(0x0b, "", "", 1));
			Packet version = Packet.read(connection);
			assertThat(version.status()).isZero();
			assertThat(version.body()).isEqualTo(MemcachedServer.DEFAULT_VERSION);
			connection.send(packet(0x00, "a", "", 7));
			Packet refused = Packet.read(connection);
			assertThat(refused.opcode()).isZero();
			assertThat(refused.opaque()).isEqualTo(7);
			assertThat(refused.status()).isEqualTo(0x20);
			assertThat(refused.body()).isEqualTo("Auth failure.");
			assertThat(connection.isClosedByServer()).isTrue();
		}
	}

	@Test
	void malformedBinaryRequestsBeforeSaslGetMemcachedsAnswers() throws IOException {
		int port = start(USERS);
		try (RawConnection connection = RawConnection.open(port)) {
			// an unknown opcode is refused for authentication first, as memcached -S does
			connection.send(packet(0x55, "", "", 1));
			assertThat(Packet.read(connection).status()).isEqualTo(0x20);
			assertThat(connection.isClosedByServer()).isTrue();
		}
		try (RawConnection connection = RawConnection.open(port)) {
			// a key longer than the body is a framing error, judged before authentication
			byte[] request = packet(0x00, "abcde", "", 1);
			request[11] = 2;
			connection.send(request);
			Packet answer = Packet.read(connection);
			assertThat(answer.status()).isEqualTo(0x81);
			assertThat(answer.body()).isEqualTo("Unknown command");
			assertThat(connection.isClosedByServer()).isTrue();
		}
	}

	@Test
	void saslPlainLogsInAndAWrongPasswordKeepsTheConnection() throws IOException {
		try (RawConnection connection = RawConnection.open(start(USERS))) {
			connection.send(packet(0x20, "", "", 1));
			assertThat(Packet.read(connection).body()).isEqualTo("CRAM-MD5 PLAIN");
			connection.send(packet(0x21, "PLAIN", "\0app\0wrong", 2));
			Packet wrong = Packet.read(connection);
			assertThat(wrong.status()).isEqualTo(0x20);
			assertThat(wrong.body()).isEqualTo("Auth failure.");
			connection.send(packet(0x21, "SCRAM-SHA-1", "n,,n=app,r=abc", 3));
			assertThat(Packet.read(connection).status()).isEqualTo(0x20);
			connection.send(packet(0x21, "PLAIN", "app\0app\0s3cret", 4));
			Packet ok = Packet.read(connection);
			assertThat(ok.status()).isZero();
			assertThat(ok.body()).isEqualTo("Authenticated");
			connection.send(packet(0x00, "a", "", 5));
			assertThat(Packet.read(connection).status()).isEqualTo(0x01);
		}
	}

	@Test
	void anAuthenticatorWithoutPasswordsOffersOnlyPlain() throws IOException {
		MemcachedAuthenticator lookupOnly = (user, password) -> USERS.authenticate(user, password);
		try (RawConnection connection = RawConnection.open(start(lookupOnly))) {
			connection.send(packet(0x20, "", "", 1));
			assertThat(Packet.read(connection).body()).isEqualTo("PLAIN");
			connection.send(packet(0x21, "CRAM-MD5", "", 2));
			assertThat(Packet.read(connection).status()).isEqualTo(0x20);
		}
	}

	@Test
	void handlersSeeThePrincipalTheAuthenticatorReturned() throws Exception {
		MemcachedAuthenticator authenticator = (user, password) -> "s3cret".equals(password)
				? Mono.just(new AuthenticatedUser(user.toUpperCase())) : Mono.empty();
		PrincipalRecordingHandler handler = new PrincipalRecordingHandler();
		this.client = TestClients.spymemcachedSasl(start(authenticator, handler),
				new AuthDescriptor(new String[] { "PLAIN" }, new PlainCallbackHandler("reader", "s3cret")));
		assertThat(this.client.get("k")).isNull();
		assertThat(handler.atOpen).containsExactly((Principal) null);
		assertThat(handler.atGet).containsExactly(new AuthenticatedUser("READER"));
	}

	@Test
	void spymemcachedWithAWrongPasswordGetsNoAnswer() {
		this.client = TestClients.spymemcachedSasl(start(USERS), AuthDescriptor.typical("app", "not-it"));
		assertThatException().isThrownBy(() -> this.client.get("k"));
		assertThat(this.server.statistics().authErrors.sum()).isPositive();
	}

	private static Map<String, String> readStats(RawConnection connection) throws IOException {
		Map<String, String> stats = new java.util.HashMap<>();
		for (String line = connection.readLine(); !line.equals("END"); line = connection.readLine()) {
			String[] parts = line.split(" ", 3);
			stats.put(parts[1], parts[2]);
		}
		return stats;
	}

	private static byte[] packet(int opcode, String key, String value, int opaque) {
		byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
		byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
		ByteBuffer packet = ByteBuffer.allocate(24 + keyBytes.length + valueBytes.length);
		packet.put((byte) 0x80).put((byte) opcode).putShort((short) keyBytes.length).put((byte) 0).put((byte) 0)
			.putShort((short) 0).putInt(keyBytes.length + valueBytes.length).putInt(opaque).putLong(0);
		return packet.put(keyBytes).put(valueBytes).array();
	}

	private record Packet(int opcode, int status, int opaque, String body) {

		static Packet read(RawConnection connection) throws IOException {
			ByteBuffer header = ByteBuffer.wrap(connection.readBytes(24));
			assertThat(header.get(0)).isEqualTo((byte) 0x81);
			int bodyLength = header.getInt(8);
			String body = new String(connection.readBytes(bodyLength), StandardCharsets.UTF_8);
			return new Packet(header.get(1) & 0xff, header.getShort(6) & 0xffff, header.getInt(12), body);
		}

	}

}
