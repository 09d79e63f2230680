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

	static OurServer start() {
		MemcachedServer server = MemcachedServer.builder().listen(ListenAddress.parse("127.0.0.1:0")).build();
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
