package io.github.memcachedserver.autoconfigure;

import java.util.Arrays;

import javax.net.ssl.SSLException;

import io.github.memcachedserver.autoconfigure.MemcachedServerProperties.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * Turns a Spring Boot SSL bundle into the server-side Netty TLS context a
 * {@link io.github.memcachedserver.server.MemcachedServer} listens with: the bundle's key
 * and trust managers, its protocols and ciphers, and the client certificate policy.
 */
final class SslBundleTls {

	private SslBundleTls() {
	}

	static SslContext serverContext(SslBundle bundle, ClientAuth clientAuth) throws SSLException {
		SslManagerBundle managers = bundle.getManagers();
		SslContextBuilder builder = SslContextBuilder.forServer(managers.getKeyManagerFactory())
			.trustManager(managers.getTrustManagerFactory())
			.clientAuth(switch (clientAuth) {
				case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
				case WANT -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
				case NEED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
			});
		SslOptions options = bundle.getOptions();
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			builder.ciphers(Arrays.asList(options.getCiphers()));
		}
		return builder.build();
	}

}
