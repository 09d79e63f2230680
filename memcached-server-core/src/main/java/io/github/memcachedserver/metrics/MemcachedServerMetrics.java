package io.github.memcachedserver.metrics;

import io.github.memcachedserver.handler.StoreStatistics;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.ServerStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for a memcached server:
 * <ul>
 * <li>{@code memcached.server.connections.active} (gauge),
 * {@code memcached.server.connections} and {@code memcached.server.connections.rejected}
 * (counters)</li>
 * <li>{@code memcached.server.bytes.received} and {@code memcached.server.bytes.sent}
 * (counters, bytes)</li>
 * <li>for a handler with a store: {@code memcached.server.store.items},
 * {@code memcached.server.store.bytes} (gauges) and {@code memcached.server.store.evictions}
 * (counter)</li>
 * </ul>
 * The timer of the commands, {@code memcached.server.commands}, comes from their
 * observations ({@link io.github.memcachedserver.server.MemcachedServerBuilder#observationRegistry})
 * through Micrometer's {@code DefaultMeterObservationHandler}. Tags never carry keys or client
 * addresses, so cardinality stays bounded.
 *
 * @since 0.1.0
 */
public final class MemcachedServerMetrics implements MeterBinder {

	private final MemcachedServer server;

	private final Tags tags;

	/**
	 * Creates the meters of a server, to bind to a registry.
	 * @param server the server (started or not: the meters read its statistics)
	 * @param tags tags added to every meter (e.g. the application's listener name)
	 */
	public MemcachedServerMetrics(MemcachedServer server, Iterable<Tag> tags) {
		this.server = server;
		this.tags = Tags.of(tags);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		MemcachedServer server = this.server;
		ServerStatistics statistics = server.statistics();
		Gauge.builder("memcached.server.connections.active", statistics, ServerStatistics::currentConnections)
			.description("Open client connections")
			.tags(this.tags)
			.register(registry);
		FunctionCounter.builder("memcached.server.connections", statistics, ServerStatistics::totalConnections)
			.description("Client connections accepted")
			.tags(this.tags)
			.register(registry);
		FunctionCounter
			.builder("memcached.server.connections.rejected", statistics, ServerStatistics::rejectedConnections)
			.description("Client connections refused over the connection limit")
			.tags(this.tags)
			.register(registry);
		FunctionCounter.builder("memcached.server.bytes.received", statistics, ServerStatistics::bytesRead)
			.description("Bytes read from clients")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(registry);
		FunctionCounter.builder("memcached.server.bytes.sent", statistics, ServerStatistics::bytesWritten)
			.description("Bytes written to clients")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(registry);
		StoreStatistics store = server.handler().storeStatistics();
		if (store != null) {
			Gauge.builder("memcached.server.store.items", store, StoreStatistics::itemCount)
				.description("Items held by the store")
				.tags(this.tags)
				.register(registry);
			Gauge.builder("memcached.server.store.bytes", store, StoreStatistics::bytesUsed)
				.description("Bytes used by the store's items, counted as memcached counts them")
				.baseUnit("bytes")
				.tags(this.tags)
				.register(registry);
			FunctionCounter.builder("memcached.server.store.evictions", store, StoreStatistics::evictions)
				.description("Live items evicted to stay within the memory limit")
				.tags(this.tags)
				.register(registry);
		}
	}

}
