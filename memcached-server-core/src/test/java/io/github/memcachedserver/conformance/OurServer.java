package io.github.memcachedserver.conformance;

import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.server.ListenAddress;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.MemcachedServerBuilder;
import io.github.memcachedserver.server.Transport;

/**
 * Our server with its defaults (1 MiB items), on the built-in store or another handler, as the
 * suite's subject.
 */
final class OurServer implements TargetServer {

	private final MemcachedServer server;

	private OurServer(MemcachedServer server) {
		this.server = server;
	}

	/**
	 * Starts our server.
	 * @param login the one user who may log in, or {@code null} for a server without logins
	 * @param handler the handler, or {@code null} for the built-in store
	 */
	static OurServer start(Login login, MemcachedCommandHandler handler) {
		return start(login, handler, Transport.AUTO);
	}

	/**
	 * Starts our server on a transport.
	 * @param login the one user who may log in, or {@code null} for a server without logins
	 * @param handler the handler, or {@code null} for the built-in store
	 * @param transport the transport
	 */
	static OurServer start(Login login, MemcachedCommandHandler handler, Transport transport) {
		MemcachedServerBuilder builder = MemcachedServer.builder().transport(transport);
		if (handler != null) {
			builder.handler(handler);
		}
		MemcachedServer server = builder
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
