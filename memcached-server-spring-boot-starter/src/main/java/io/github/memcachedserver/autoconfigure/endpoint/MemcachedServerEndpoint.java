package io.github.memcachedserver.autoconfigure.endpoint;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.handler.StoreStatistics;
import io.github.memcachedserver.server.ListenAddress;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.MemcachedServerException;
import io.github.memcachedserver.server.Transport;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code memcached} actuator endpoint. Reads: the listeners, the open connections, the
 * store's figures and memcached's general {@code stats} ({@code GET /actuator/memcached}), or
 * one {@code stats} group ({@code GET /actuator/memcached/settings}, {@code items},
 * {@code slabs}, {@code conns}). Writes, allowed only with
 * {@code management.endpoint.memcached.access=unrestricted}: open a listener
 * ({@code POST /actuator/memcached/listeners} with {@code {"address": "127.0.0.1:11212"}}), close
 * a TCP one ({@code DELETE /actuator/memcached/listeners/127.0.0.1:11212}), and flush every item
 * ({@code DELETE /actuator/memcached/items}).
 *
 * @since 0.1.0
 */
@Endpoint(id = "memcached", defaultAccess = Access.READ_ONLY)
public class MemcachedServerEndpoint {

	private static final String LISTENERS = "listeners";

	private static final String ITEMS = "items";

	private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

	private final MemcachedServer server;

	/**
	 * Creates the endpoint of a server.
	 * @param server the server
	 */
	public MemcachedServerEndpoint(MemcachedServer server) {
		this.server = server;
	}

	/**
	 * Describes the server.
	 * @return its listeners, connections, store and general statistics
	 */
	@ReadOperation
	public MemcachedServerDescriptor server() {
		StoreStatistics store = this.server.handler().storeStatistics();
		return new MemcachedServerDescriptor(this.server.isRunning(), this.server.transport(),
				names(this.server.boundAddresses()), names(this.server.lostListeners()),
				this.server.statistics().currentConnections(),
				(store != null) ? StoreDescriptor.of(store) : null, this.server.stats(""));
	}

	/**
	 * Reports one group of memcached's {@code stats}.
	 * @param group {@code settings}, {@code items}, {@code slabs}, {@code sizes} or {@code conns}
	 * @return its names and values, or {@code null} (404) for an unknown group
	 */
	@ReadOperation
	public @Nullable Map<String, String> stats(@Selector String group) {
		Map<String, String> stats = this.server.stats(group);
		return stats.isEmpty() ? null : stats;
	}

	/**
	 * Opens one more listener.
	 * @param resource {@code listeners}
	 * @param address where to listen, as in {@code memcached.server.listen}
	 * @return the bound address
	 */
	@WriteOperation
	public ListenerDescriptor open(@Selector String resource, String address) {
		expect(LISTENERS, resource);
		ListenAddress listen;
		try {
			listen = ListenAddress.parse(address);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid listen address");
		}
		try {
			return new ListenerDescriptor(this.server.open(listen).toString(), true);
		}
		catch (MemcachedServerException | IllegalStateException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Could not listen");
		}
	}

	/**
	 * Closes a TCP listener; its open connections carry on.
	 * @param resource {@code listeners}
	 * @param address the listener's address as {@link #server()} lists it, with or without its
	 * leading {@code /}
	 * @return the closed listener
	 */
	@DeleteOperation
	public ListenerDescriptor close(@Selector String resource, @Selector String address) {
		expect(LISTENERS, resource);
		SocketAddress listener = this.server.boundAddresses()
			.stream()
			.filter((bound) -> bound.toString().equals(address) || bound.toString().equals("/" + address))
			.findFirst()
			.orElseThrow(() -> new InvalidEndpointRequestException("No listener on " + address, "No such listener"));
		this.server.close(listener);
		return new ListenerDescriptor(listener.toString(), false);
	}

	/**
	 * Invalidates every item, as {@code flush_all} does.
	 * @param resource {@code items}
	 */
	@DeleteOperation
	public void flush(@Selector String resource) {
		expect(ITEMS, resource);
		this.server.flushAll().block(FLUSH_TIMEOUT);
	}

	private static void expect(String expected, String resource) {
		if (!expected.equals(resource)) {
			throw new InvalidEndpointRequestException("No such resource '" + resource + "': use '" + expected + "'",
					"No such resource");
		}
	}

	private static List<String> names(List<SocketAddress> addresses) {
		return addresses.stream().map(SocketAddress::toString).toList();
	}

	/**
	 * What the endpoint tells of the server.
	 * @param running whether it has been started and not stopped
	 * @param transport the socket transport it runs on, while it runs
	 * @param listeners the addresses it accepts connections on
	 * @param lostListeners listeners that closed without being asked to
	 * @param connections the open client connections
	 * @param store the store's figures, when the handler has a store
	 * @param stats memcached's general {@code stats}
	 */
	public record MemcachedServerDescriptor(boolean running, @Nullable Transport transport, List<String> listeners,
			List<String> lostListeners, long connections, @Nullable StoreDescriptor store, Map<String, String> stats) {
	}

	/**
	 * A store's figures.
	 * @param items items held
	 * @param bytes bytes they take, as memcached counts them
	 * @param memoryLimit the memory limit in bytes
	 * @param evictions live items evicted to stay within the limit
	 * @param maxItemSize the largest item accepted
	 */
	public record StoreDescriptor(long items, long bytes, long memoryLimit, long evictions, int maxItemSize) {

		static StoreDescriptor of(StoreStatistics store) {
			return new StoreDescriptor(store.itemCount(), store.bytesUsed(), store.memoryLimit(), store.evictions(),
					store.maxItemSize());
		}

	}

	/**
	 * A listener that was opened or closed.
	 * @param address its address
	 * @param open whether it is open now
	 */
	public record ListenerDescriptor(String address, boolean open) {
	}

}
