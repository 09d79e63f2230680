package io.github.memcachedserver.autoconfigure.health;

import java.net.SocketAddress;
import java.util.List;

import io.github.memcachedserver.server.MemcachedServer;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the memcached server UP with its bound addresses, or DOWN when it is not running
 * or a listener closed unexpectedly.
 *
 * @since 0.1.0
 */
public class MemcachedServerHealthIndicator extends AbstractHealthIndicator {

	private final MemcachedServer server;

	/**
	 * Creates an indicator for a server.
	 * @param server the server
	 */
	public MemcachedServerHealthIndicator(MemcachedServer server) {
		super("Memcached server health check failed");
		this.server = server;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<String> listeners = this.server.boundAddresses().stream().map(SocketAddress::toString).toList();
		List<String> lost = this.server.lostListeners().stream().map(SocketAddress::toString).toList();
		builder.withDetail("listeners", listeners)
			.withDetail("connections", this.server.statistics().currentConnections());
		if (!this.server.isRunning()) {
			builder.down().withDetail("reason", "server is not running");
		}
		else if (!lost.isEmpty()) {
			builder.down().withDetail("reason", "listeners closed unexpectedly").withDetail("lostListeners", lost);
		}
		else {
			builder.up();
		}
	}

}
