package io.github.memcachedserver.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.memcachedserver.handler.StoreStatistics;
import io.github.memcachedserver.server.MemcachedServerObserver;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.ServerStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters for a memcached server:
 * <ul>
 * <li>{@code memcached.server.commands} (timer; tags {@code command}, {@code result})</li>
 * <li>{@code memcached.server.connections.active} (gauge),
 * {@code memcached.server.connections} and {@code memcached.server.connections.rejected}
 * (counters)</li>
 * <li>{@code memcached.server.bytes.received} and {@code memcached.server.bytes.sent}
 * (counters, bytes)</li>
 * <li>for a handler with a store: {@code memcached.server.store.items},
 * {@code memcached.server.store.bytes} (gauges) and {@code memcached.server.store.evictions}
 * (counter)</li>
 * </ul>
 * Tags never carry keys or client addresses, so cardinality stays bounded. Register it as
 * the server's {@link MemcachedServerObserver}; the gauges appear when the server starts.
 *
 * @since 0.1.0
 */
public final class MemcachedServerMetrics implements MemcachedServerObserver {

	private final MeterRegistry registry;

	private final Tags tags;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final AtomicBoolean gaugesRegistered = new AtomicBoolean();

	/**
	 * Creates the meters' recorder.
	 * @param registry the registry to register with
	 * @param tags tags added to every meter (e.g. the application's listener name)
	 */
	public MemcachedServerMetrics(MeterRegistry registry, Iterable<Tag> tags) {
		this.registry = registry;
		this.tags = Tags.of(tags);
	}

	@Override
	public void commandCompleted(String command, String result, long durationNanos) {
		this.timers.computeIfAbsent(command + ' ' + result, (name) -> Timer.builder("memcached.server.commands")
			.description("Commands answered, by command and outcome")
			.tags(this.tags)
			.tag("command", command)
			.tag("result", result)
			.register(this.registry)).record(durationNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Registers the connection, traffic and store meters of the server, once.
	 * @param server the server this recorder observes
	 */
	@Override
	public void serverStarted(MemcachedServer server) {
		if (!this.gaugesRegistered.compareAndSet(false, true)) {
			// a restarted server keeps its statistics objects, so the meters still read them
			return;
		}
		ServerStatistics statistics = server.statistics();
		Gauge.builder("memcached.server.connections.active", statistics, ServerStatistics::currentConnections)
			.description("Open client connections")
			.tags(this.tags)
			.register(this.registry);
		FunctionCounter.builder("memcached.server.connections", statistics, ServerStatistics::totalConnections)
			.description("Client connections accepted")
			.tags(this.tags)
			.register(this.registry);
		FunctionCounter
			.builder("memcached.server.connections.rejected", statistics, ServerStatistics::rejectedConnections)
			.description("Client connections refused over the connection limit")
			.tags(this.tags)
			.register(this.registry);
		FunctionCounter.builder("memcached.server.bytes.received", statistics, ServerStatistics::bytesRead)
			.description("Bytes read from clients")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(this.registry);
		FunctionCounter.builder("memcached.server.bytes.sent", statistics, ServerStatistics::bytesWritten)
			.description("Bytes written to clients")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(this.registry);
		StoreStatistics store = server.handler().storeStatistics();
		if (store != null) {
			Gauge.builder("memcached.server.store.items", store, StoreStatistics::itemCount)
				.description("Items held by the store")
				.tags(this.tags)
				.register(this.registry);
			Gauge.builder("memcached.server.store.bytes", store, StoreStatistics::bytesUsed)
				.description("Bytes used by the store's items, counted as memcached counts them")
				.baseUnit("bytes")
				.tags(this.tags)
				.register(this.registry);
			FunctionCounter.builder("memcached.server.store.evictions", store, StoreStatistics::evictions)
				.description("Live items evicted to stay within the memory limit")
				.tags(this.tags)
				.register(this.registry);
		}
	}

}
