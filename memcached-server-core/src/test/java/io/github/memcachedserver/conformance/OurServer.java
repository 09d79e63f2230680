package io.github.memcachedserver.conformance;

import io.github.memcachedserver.server.ListenAddress;
import io.github.memcachedserver.server.MemcachedServer;

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
	 * @param login the one user who may log in, or {@code null} for a server without logins
	 */
	static OurServer start(Login login) {
		MemcachedServer server = MemcachedServer.builder()
			.listen(ListenAddress.parse("127.0.0.1:0"))
			.authenticator((login != null) ? login.authenticator() : null)
			.build();
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
