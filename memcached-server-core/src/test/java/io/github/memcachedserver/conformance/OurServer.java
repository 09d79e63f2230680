package io.github.memcachedserver.conformance;

import java.util.Map;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.github.memcachedserver.server.ListenAddress;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.MemcachedServerBuilder;

/**
 * Our server with its defaults (built-in store, 1 MiB items), as the suite's subject.
 */
final class OurServer implements TargetServer {

	private final MemcachedServer server;

	private OurServer(MemcachedServer server) {
		this.server = server;
	}

	/**
	 * Starts our server.
	 * @param authUser {@code user:password} of the one user who may log in, or {@code null}
	 * for a server without authentication
	 */
	static OurServer start(String authUser) {
		MemcachedServerBuilder builder = MemcachedServer.builder().listen(ListenAddress.parse("127.0.0.1:0"));
		if (authUser != null) {
			String[] credentials = authUser.split(":", 2);
			builder.authenticator(InMemoryAuthenticator.of(Map.of(credentials[0], credentials[1])));
		}
		MemcachedServer server = builder.build();
		server.start();
		return new OurServer(server);
	}

	@Override
	public int port() {
		return this.server.port();
	}

	@Override
	public void close() {
		this.server.stop();
	}

}
