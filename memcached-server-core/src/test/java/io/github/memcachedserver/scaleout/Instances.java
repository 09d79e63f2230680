package io.github.memcachedserver.scaleout;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.github.memcachedserver.server.ListenAddress;
import io.github.memcachedserver.server.MemcachedServer;

/**
 * Independent servers on loopback, each with its own built-in store, as memcached is deployed.
 */
final class Instances implements AutoCloseable {

	private final List<MemcachedServer> servers = new ArrayList<>();

	Instances(int count) {
		for (int i = 0; i < count; i++) {
			MemcachedServer server = MemcachedServer.builder().listen(ListenAddress.parse("127.0.0.1:0")).build();
			server.start();
			this.servers.add(server);
		}
	}

	MemcachedServer get(int index) {
		return this.servers.get(index);
	}

	List<InetSocketAddress> addresses() {
		return this.servers.stream().map((server) -> new InetSocketAddress("127.0.0.1", server.port())).toList();
	}

	int indexOf(InetSocketAddress address) {
		for (int i = 0; i < this.servers.size(); i++) {
			if (this.servers.get(i).port() == address.getPort()) {
				return i;
			}
		}
		throw new IllegalArgumentException("not an instance: " + address);
	}

	@Override
	public void close() {
		for (MemcachedServer server : this.servers) {
			if (server.isRunning()) {
				server.stop();
			}
		}
	}

}
