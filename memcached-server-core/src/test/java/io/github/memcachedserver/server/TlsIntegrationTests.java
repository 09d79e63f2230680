package io.github.memcachedserver.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.github.memcachedserver.auth.AuthenticatedUser;
import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * TLS listeners over real sockets, with the JDK's own TLS client ({@link SSLSocket}): text and
 * binary clients are served over TLS, a plaintext client is disconnected unanswered, client
 * certificates are required when the context says so, TLS and plain listeners coexist, and
 * authentication runs inside TLS. Certificates: {@code src/test/resources/tls}.
 */
@Timeout(30)
class TlsIntegrationTests {

	private MemcachedServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	private int start(SslContext tls, MemcachedServerBuilder builder) {
		this.server = builder.listen("127.0.0.1:0").tls(tls).build().start();
		return this.server.port();
	}

	@Test
	void textAndBinaryClientsAreServedOverTls() throws Exception {
		int port = start(serverContext(ClientAuth.NONE), MemcachedServer.builder());
		try (RawConnection connection = RawConnection.over(tlsSocket(port, false))) {
			connection.send("set k 0 0 5\r\nhello\r\nget k\r\n");
			assertThat(connection.readLine()).isEqualTo("STORED");
			assertThat(connection.readRetrieval()).containsExactly("k 0 hello");
		}
		try (RawConnection connection = RawConnection.over(tlsSocket(port, false))) {
			// binary Get of "k"
			connection.send(new byte[] { (byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					0, 'k' });
			byte[] header = connection.readBytes(24);
			assertThat(header[0]).isEqualTo((byte) 0x81);
			assertThat(header[7]).as("status").isZero();
			byte[] body = connection.readBytes(header[11]);
			assertThat(new String(body, 4, body.length - 4, StandardCharsets.US_ASCII)).isEqualTo("hello");
		}
	}

	@Test
	void aPlaintextClientIsDisconnectedWithoutAnAnswer() throws Exception {
		int port = start(serverContext(ClientAuth.NONE), MemcachedServer.builder());
		try (RawConnection connection = RawConnection.open(port)) {
			connection.send("version\r\n");
			assertThat(connection.isClosedByServer()).isTrue();
		}
	}

	@Test
	void aRequiredClientCertificateIsChecked() throws Exception {
		int port = start(serverContext(ClientAuth.REQUIRE), MemcachedServer.builder());
		try (RawConnection connection = RawConnection.over(tlsSocket(port, true))) {
			connection.send("version\r\n");
			assertThat(connection.readLine()).startsWith("VERSION ");
		}
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
			try (RawConnection connection = RawConnection.over(tlsSocket(port, false))) {
				connection.send("version\r\n");
				connection.readLine();
			}
		});
	}

	@Test
	void aClientCertificateNamesTheSessionUntilALoginReplacesIt() throws Exception {
		PrincipalRecordingHandler handler = new PrincipalRecordingHandler();
		int port = start(serverContext(ClientAuth.REQUIRE), MemcachedServer.builder()
			.handler(handler)
			.authenticator(InMemoryAuthenticator.of(Map.of("app", "s3cret"))));
		try (RawConnection connection = RawConnection.over(tlsSocket(port, true))) {
			// the certificate does not stand in for the login
			connection.send("get k\r\n");
			assertThat(connection.readLine()).isEqualTo("CLIENT_ERROR unauthenticated");
			connection.send("set login 0 0 10\r\napp s3cret\r\nget k\r\n");
			assertThat(connection.readLine()).isEqualTo("STORED");
			assertThat(connection.readLine()).isEqualTo("END");
		}
		assertThat(handler.atOpen).extracting(Principal::getName).containsExactly("CN=app");
		assertThat(handler.atGet).containsExactly(new AuthenticatedUser("app"));
	}

	@Test
	void tlsAndPlainListenersServeTheSameStore() throws Exception {
		int tlsPort = start(serverContext(ClientAuth.NONE), MemcachedServer.builder());
		SocketAddress plain = this.server.open(ListenAddress.parse("127.0.0.1:0"), null);
		try (RawConnection connection = RawConnection.open(plain)) {
			connection.send("set shared 0 0 1\r\nx\r\n");
			assertThat(connection.readLine()).isEqualTo("STORED");
		}
		try (RawConnection connection = RawConnection.over(tlsSocket(tlsPort, false))) {
			connection.send("get shared\r\n");
			assertThat(connection.readRetrieval()).containsExactly("shared 0 x");
		}
	}

	@Test
	void loginRunsInsideTls() throws Exception {
		int port = start(serverContext(ClientAuth.NONE),
				MemcachedServer.builder().authenticator(InMemoryAuthenticator.of(Map.of("app", "s3cret"))));
		try (RawConnection connection = RawConnection.over(tlsSocket(port, false))) {
			connection.send("get k\r\n");
			assertThat(connection.readLine()).isEqualTo("CLIENT_ERROR unauthenticated");
			connection.send("set login 0 0 10\r\napp s3cret\r\nget k\r\n");
			assertThat(connection.readLine()).isEqualTo("STORED");
			assertThat(connection.readLine()).isEqualTo("END");
		}
	}

	@Test
	void anUpdatedContextServesNewConnectionsAndKeepsOpenOnes() throws Exception {
		int port = start(serverContext(ClientAuth.NONE), MemcachedServer.builder());
		SSLSocket before = tlsSocket(port, false);
		try (RawConnection open = RawConnection.over(before)) {
			assertThat(peerName(before)).isEqualTo("CN=localhost");
			this.server.updateTls(serverContext("renewed", ClientAuth.NONE));
			SSLSocket after = tlsSocket(port, false);
			try (RawConnection renewed = RawConnection.over(after)) {
				assertThat(peerName(after)).isEqualTo("CN=localhost renewed");
				renewed.send("version\r\n");
				assertThat(renewed.readLine()).startsWith("VERSION ");
			}
			open.send("version\r\n");
			assertThat(open.readLine()).startsWith("VERSION ");
		}
	}

	private static String peerName(SSLSocket socket) throws IOException {
		return socket.getSession().getPeerPrincipal().getName();
	}

	static SslContext serverContext(ClientAuth clientAuth) throws SSLException {
		return serverContext("server", clientAuth);
	}

	/** A server context from the test certificates {@code <name>.crt} and {@code <name>.key}. */
	static SslContext serverContext(String name, ClientAuth clientAuth) throws SSLException {
		try (InputStream certificate = resource(name + ".crt"); InputStream key = resource(name + ".key");
				InputStream ca = resource("ca.crt")) {
			return SslContextBuilder.forServer(certificate, key).trustManager(ca).clientAuth(clientAuth).build();
		}
		catch (IOException ex) {
			throw new SSLException(ex);
		}
	}

	/** A JDK TLS socket that trusts the test CA, presenting the client certificate if asked. */
	static SSLSocket tlsSocket(int port, boolean withClientCertificate) throws IOException, GeneralSecurityException {
		CertificateFactory certificates = CertificateFactory.getInstance("X.509");
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		try (InputStream ca = resource("ca.crt")) {
			trusted.setCertificateEntry("ca", certificates.generateCertificate(ca));
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		KeyManagerFactory keys = null;
		if (withClientCertificate) {
			KeyStore identity = KeyStore.getInstance("PKCS12");
			identity.load(null, null);
			Certificate certificate;
			try (InputStream in = resource("client.crt")) {
				certificate = certificates.generateCertificate(in);
			}
			identity.setKeyEntry("client", privateKey("client.key"), new char[0], new Certificate[] { certificate });
			keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(identity, new char[0]);
		}
		SSLContext context = SSLContext.getInstance("TLS");
		context.init((keys != null) ? keys.getKeyManagers() : null, trust.getTrustManagers(), null);
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.startHandshake();
		return socket;
	}

	private static PrivateKey privateKey(String name) throws IOException, GeneralSecurityException {
		try (InputStream in = resource(name)) {
			String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
			String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
		}
	}

	private static InputStream resource(String name) {
		return TlsIntegrationTests.class.getResourceAsStream("/tls/" + name);
	}

}
