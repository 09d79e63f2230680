package io.github.memcachedserver.server;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.LongSupplier;

import io.github.memcachedserver.handler.StoreStatistics;
import io.github.memcachedserver.protocol.text.TextResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * Renders memcached's {@code stats} groups from the server's counters and the handler's
 * store figures. Field names and their order are memcached's; fields that have no meaning
 * for this server (slab classes, LRU segments, hash tables, libevent) are left out rather
 * than invented.
 */
final class StatsReport {

	private final ServerStatistics statistics;

	private final @Nullable StoreStatistics store;

	private final ServerSettings settings;

	private final Collection<ClientConnection> connections;

	private final LongSupplier clock;

	private final long startedAt;

	StatsReport(ServerStatistics statistics, @Nullable StoreStatistics store, ServerSettings settings,
			Collection<ClientConnection> connections, LongSupplier epochSecondClock) {
		this.statistics = statistics;
		this.store = store;
		this.settings = settings;
		this.connections = connections;
		this.clock = epochSecondClock;
		this.startedAt = epochSecondClock.getAsLong();
	}

	ByteBuf version(ByteBufAllocator allocator) {
		return TextResponses.line(allocator, "VERSION " + this.settings.version());
	}

	/**
	 * Renders one group, or memcached's answer for an unknown or special one.
	 */
	ByteBuf render(String group, ByteBufAllocator allocator) {
		StringBuilder out = new StringBuilder(2048);
		switch (group) {
			case "" -> general(out);
			case "settings" -> settings(out);
			case "items" -> items(out);
			case "slabs" -> slabs(out);
			case "sizes" -> stat(out, "sizes_status", "disabled");
			case "conns" -> conns(out);
			case "reset" -> {
				this.statistics.reset();
				if (this.store != null) {
					this.store.resetStatistics();
				}
				return TextResponses.line(allocator, "RESET");
			}
			case "detail" -> {
				return TextResponses.line(allocator, "CLIENT_ERROR usage: stats detail on|off|dump");
			}
			default -> {
				return TextResponses.line(allocator, "ERROR");
			}
		}
		out.append("END\r\n");
		ByteBuf buffer = allocator.buffer(out.length());
		buffer.writeCharSequence(out, StandardCharsets.ISO_8859_1);
		return buffer;
	}

	private void general(StringBuilder out) {
		ServerStatistics s = this.statistics;
		long now = this.clock.getAsLong();
		stat(out, "pid", ProcessHandle.current().pid());
		stat(out, "uptime", now - this.startedAt);
		stat(out, "time", now);
		stat(out, "version", this.settings.version());
		stat(out, "pointer_size", 64);
		stat(out, "max_connections", this.settings.maxConnections());
		stat(out, "curr_connections", s.currentConnections.sum());
		stat(out, "total_connections", s.totalConnections.sum());
		stat(out, "rejected_connections", s.rejectedConnections.sum());
		stat(out, "cmd_get", s.cmdGet.sum());
		stat(out, "cmd_set", s.cmdSet.sum());
		stat(out, "cmd_flush", s.cmdFlush.sum());
		stat(out, "cmd_touch", s.cmdTouch.sum());
		stat(out, "get_hits", s.getHits.sum());
		stat(out, "get_misses", s.getMisses.sum());
		if (this.store != null) {
			stat(out, "get_expired", this.store.expiredReads());
			stat(out, "get_flushed", this.store.flushedReads());
		}
		stat(out, "delete_misses", s.deleteMisses.sum());
		stat(out, "delete_hits", s.deleteHits.sum());
		stat(out, "incr_misses", s.incrMisses.sum());
		stat(out, "incr_hits", s.incrHits.sum());
		stat(out, "decr_misses", s.decrMisses.sum());
		stat(out, "decr_hits", s.decrHits.sum());
		stat(out, "cas_misses", s.casMisses.sum());
		stat(out, "cas_hits", s.casHits.sum());
		stat(out, "cas_badval", s.casBadval.sum());
		stat(out, "touch_hits", s.touchHits.sum());
		stat(out, "touch_misses", s.touchMisses.sum());
		stat(out, "store_too_large", s.storeTooLarge.sum());
		stat(out, "bytes_read", s.bytesRead.sum());
		stat(out, "bytes_written", s.bytesWritten.sum());
		if (this.store != null) {
			stat(out, "limit_maxbytes", this.store.memoryLimit());
		}
		stat(out, "threads", this.settings.threads());
		if (this.store != null) {
			stat(out, "bytes", this.store.bytesUsed());
			stat(out, "curr_items", this.store.itemCount());
			stat(out, "total_items", this.store.totalItems());
			stat(out, "evictions", this.store.evictions());
			stat(out, "reclaimed", this.store.reclaimed());
		}
	}

	private void settings(StringBuilder out) {
		if (this.store != null) {
			stat(out, "maxbytes", this.store.memoryLimit());
		}
		stat(out, "maxconns", this.settings.maxConnections());
		stat(out, "verbosity", 0);
		stat(out, "evictions", "on");
		stat(out, "num_threads", this.settings.threads());
		stat(out, "cas_enabled", "yes");
		stat(out, "binding_protocol", "ascii");
		stat(out, "item_size_max", this.settings.maxItemSize());
		stat(out, "flush_enabled", "yes");
		stat(out, "idle_timeout", this.settings.idleTimeoutSeconds());
	}

	private void items(StringBuilder out) {
		if (this.store == null || this.store.itemCount() == 0) {
			return;
		}
		// one pseudo slab class: this store does not partition memory by size
		stat(out, "items:1:number", this.store.itemCount());
		stat(out, "items:1:mem_requested", this.store.bytesUsed());
		stat(out, "items:1:evicted", this.store.evictions());
		stat(out, "items:1:reclaimed", this.store.reclaimed());
	}

	private void slabs(StringBuilder out) {
		boolean hasItems = this.store != null && this.store.itemCount() > 0;
		stat(out, "active_slabs", hasItems ? 1 : 0);
		stat(out, "total_malloced", (this.store != null) ? this.store.bytesUsed() : 0);
	}

	private void conns(StringBuilder out) {
		long now = this.clock.getAsLong();
		for (ClientConnection connection : this.connections) {
			String prefix = connection.session().id() + ":";
			stat(out, prefix + "addr", describe(connection.session().remoteAddress()));
			stat(out, prefix + "listen_addr", describe(connection.session().localAddress()));
			stat(out, prefix + "state", "conn_parse_cmd");
			stat(out, prefix + "secs_since_last_cmd", now - connection.lastCommandAt());
		}
	}

	private static String describe(@Nullable SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			return (inet.getAddress() instanceof Inet6Address)
					? "tcp6:[" + inet.getAddress().getHostAddress() + "]:" + inet.getPort()
					: "tcp:" + inet.getAddress().getHostAddress() + ":" + inet.getPort();
		}
		return (address != null) ? "unix:" + address : "unix:";
	}

	private static void stat(StringBuilder out, String name, Object value) {
		out.append("STAT ").append(name).append(' ').append(value).append("\r\n");
	}

}
