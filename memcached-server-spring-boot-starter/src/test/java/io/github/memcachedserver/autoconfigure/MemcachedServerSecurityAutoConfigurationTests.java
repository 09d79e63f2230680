package io.github.memcachedserver.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.github.memcachedserver.auth.MemcachedAuthenticator;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.server.MemcachedServer;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UserDetailsRepositoryReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Authentication ({@code memcached.server.auth.*}, an authenticator bean, Spring Security)
 * and TLS ({@code memcached.server.ssl.*} with Spring Boot SSL bundles), over real sockets.
 */
class MemcachedServerSecurityAutoConfigurationTests {

	private static final String SERVER_BUNDLE = "spring.ssl.bundle.pem.memcached.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemcachedServerAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("memcached.server.listen=127.0.0.1:0");

	@Test
	void configuredUsersMustLogIn() {
		this.contextRunner.withPropertyValues("memcached.server.auth.users.app=s3cret").run((context) -> {
			try (Socket socket = plainSocket(context)) {
				assertThat(exchange(socket, "get k\r\n", 1)).containsExactly("CLIENT_ERROR unauthenticated");
				assertThat(exchange(socket, "set login 0 0 10\r\napp wrong!\r\n", 1))
					.containsExactly("CLIENT_ERROR authentication failure");
				assertThat(exchange(socket, "set login 0 0 10\r\napp s3cret\r\nget k\r\n", 2))
					.containsExactly("STORED", "END");
			}
		});
	}

	@Test
	void usersComeFromAMemcachedAuthFileToo(@TempDir Path directory) throws IOException {
		Path file = Files.writeString(directory.resolve("users"), "ops:pa:ss\n\napp:other\n");
		this.contextRunner.withPropertyValues("memcached.server.auth.file=" + file, "memcached.server.auth.users.app=s3cret")
			.run((context) -> {
				try (Socket socket = plainSocket(context)) {
					// the password is everything after the first colon; users from properties win
					assertThat(exchange(socket, "set login 0 0 9\r\nops pa:ss\r\n", 1)).containsExactly("STORED");
				}
				try (Socket socket = plainSocket(context)) {
					assertThat(exchange(socket, "set login 0 0 10\r\napp s3cret\r\n", 1)).containsExactly("STORED");
				}
			});
	}

	@Test
	void anUnreadableAuthFileFailsStartupNamingTheProperty(@TempDir Path directory) {
		this.contextRunner.withPropertyValues("memcached.server.auth.file=" + directory.resolve("missing"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("memcached.server.auth.file"));
	}

	@Test
	void aSpringSecurityAuthenticationManagerAuthenticatesAndHandlersSeeItsAuthentication() {
		this.contextRunner.withUserConfiguration(SpringSecurityConfiguration.class).run((context) -> {
			int port = context.getBean(MemcachedServer.class).port();
			MemcachedClient client = new MemcachedClient(new ConnectionFactoryBuilder()
				.setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
				.setAuthDescriptor(new AuthDescriptor(new String[] { "PLAIN" }, new PlainCallbackHandler("reader", "s3cret")))
				.setOpTimeout(5000)
				.build(), List.of(new InetSocketAddress("127.0.0.1", port)));
			try {
				assertThat(client.get("k")).isNull();
			}
			finally {
				client.shutdown();
			}
			List<Principal> seen = context.getBean(PrincipalRecordingHandler.class).principals;
			assertThat(seen).singleElement().isInstanceOfSatisfying(Authentication.class, (authentication) -> {
				assertThat(authentication.getName()).isEqualTo("reader");
				assertThat(authentication.getAuthorities()).extracting("authority").containsExactly("ROLE_CACHE");
			});
		});
	}

	@Test
	void anSslBundleMakesEveryListenerSpeakTls() {
		this.contextRunner
			.withPropertyValues(SERVER_BUNDLE + "keystore.certificate=classpath:tls/server.crt",
					SERVER_BUNDLE + "keystore.private-key=classpath:tls/server.key", "memcached.server.ssl.bundle=memcached",
					"spring.ssl.bundle.pem.client.truststore.certificate=classpath:tls/ca.crt")
			.run((context) -> {
				try (Socket socket = tlsSocket(context, "client")) {
					assertThat(exchange(socket, "set k 0 0 1\r\nv\r\nget k\r\n", 4))
						.containsExactly("STORED", "VALUE k 0 1", "v", "END");
				}
				try (Socket socket = plainSocket(context)) {
					socket.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
					assertThat(socket.getInputStream().read()).as("closed unanswered").isEqualTo(-1);
				}
			});
	}

	@Test
	void clientCertificatesAreRequiredWhenConfigured() {
		this.contextRunner
			.withPropertyValues(SERVER_BUNDLE + "keystore.certificate=classpath:tls/server.crt",
					SERVER_BUNDLE + "keystore.private-key=classpath:tls/server.key",
					SERVER_BUNDLE + "truststore.certificate=classpath:tls/ca.crt", "memcached.server.ssl.bundle=memcached",
					"memcached.server.ssl.client-auth=need",
					"spring.ssl.bundle.pem.client.truststore.certificate=classpath:tls/ca.crt",
					"spring.ssl.bundle.pem.client.keystore.certificate=classpath:tls/client.crt",
					"spring.ssl.bundle.pem.client.keystore.private-key=classpath:tls/client.key",
					"spring.ssl.bundle.pem.anonymous.truststore.certificate=classpath:tls/ca.crt")
			.run((context) -> {
				try (Socket socket = tlsSocket(context, "client")) {
					assertThat(exchange(socket, "version\r\n", 1)).singleElement().asString().startsWith("VERSION ");
				}
				assertThatIOException().isThrownBy(() -> {
					try (Socket socket = tlsSocket(context, "anonymous")) {
						exchange(socket, "version\r\n", 1);
					}
				});
			});
	}

	@Test
	void aReloadingBundleServesTheRenewedCertificateToNewConnections(@TempDir Path directory) throws IOException {
		Path certificate = directory.resolve("server.crt");
		Path key = directory.resolve("server.key");
		copy("tls/server.crt", certificate);
		copy("tls/server.key", key);
		this.contextRunner
			.withPropertyValues(SERVER_BUNDLE + "keystore.certificate=file:" + certificate,
					SERVER_BUNDLE + "keystore.private-key=file:" + key, SERVER_BUNDLE + "reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=100ms", "memcached.server.ssl.bundle=memcached",
					"spring.ssl.bundle.pem.client.truststore.certificate=classpath:tls/ca.crt")
			.run((context) -> {
				try (SSLSocket socket = (SSLSocket) tlsSocket(context, "client")) {
					assertThat(socket.getSession().getPeerPrincipal().getName()).isEqualTo("CN=localhost");
				}
				copy("tls/renewed.key", key);
				copy("tls/renewed.crt", certificate);
				String served = "CN=localhost";
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
				while (!served.equals("CN=localhost renewed") && System.nanoTime() < deadline) {
					Thread.sleep(100);
					try (SSLSocket socket = (SSLSocket) tlsSocket(context, "client")) {
						served = socket.getSession().getPeerPrincipal().getName();
					}
				}
				assertThat(served).isEqualTo("CN=localhost renewed");
			});
	}

	private static void copy(String resource, Path target) throws IOException {
		try (InputStream in = MemcachedServerSecurityAutoConfigurationTests.class.getClassLoader()
			.getResourceAsStream(resource)) {
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	@Test
	void anUnknownSslBundleFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("memcached.server.ssl.bundle=nope")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("memcached.server.ssl.bundle"));
	}

	private static Socket plainSocket(AssertableApplicationContext context) throws IOException {
		Socket socket = new Socket("127.0.0.1", context.getBean(MemcachedServer.class).port());
		socket.setSoTimeout(5000);
		return socket;
	}

	private static Socket tlsSocket(AssertableApplicationContext context, String bundle) throws IOException {
		SSLSocket socket = (SSLSocket) context.getBean(SslBundles.class)
			.getBundle(bundle)
			.createSslContext()
			.getSocketFactory()
			.createSocket("127.0.0.1", context.getBean(MemcachedServer.class).port());
		socket.setSoTimeout(5000);
		socket.startHandshake();
		return socket;
	}

	private static List<String> exchange(Socket socket, String request, int lines) throws IOException {
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII), 1);
		List<String> answer = new CopyOnWriteArrayList<>();
		for (int i = 0; i < lines; i++) {
			String line = reader.readLine();
			if (line == null) {
				throw new IOException("closed after " + answer);
			}
			answer.add(line);
		}
		return answer;
	}

	@Configuration(proxyBeanMethods = false)
	static class SpringSecurityConfiguration {

		@Bean
		ReactiveAuthenticationManager authenticationManager() {
			return new UserDetailsRepositoryReactiveAuthenticationManager(new MapReactiveUserDetailsService(
					User.withUsername("reader").password("{noop}s3cret").roles("CACHE").build()));
		}

		/** The whole adapter: credentials in, an authenticated Spring Security principal out. */
		@Bean
		MemcachedAuthenticator memcachedAuthenticator(ReactiveAuthenticationManager manager) {
			return (user, password) -> manager
				.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(user, password))
				.filter(Authentication::isAuthenticated)
				// wrong credentials are a refusal (empty), not an error
				.onErrorResume(org.springframework.security.core.AuthenticationException.class, (ex) -> Mono.empty());
		}

		@Bean
		@MemcachedHandler
		PrincipalRecordingHandler principalRecordingHandler() {
			return new PrincipalRecordingHandler();
		}

	}

	static class PrincipalRecordingHandler implements MemcachedCommandHandler {

		final List<Principal> principals = new CopyOnWriteArrayList<>();

		@Override
		public Mono<Item> get(Session session, Key key) {
			this.principals.add(session.principal());
			return Mono.empty();
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return Mono.just(StoreResult.STORED);
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(false);
		}

	}

}
