package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.memcachedserver.command.CacheDumpCommand;
import io.github.memcachedserver.command.StatsCommand;
import io.github.memcachedserver.handler.StoreStatistics;
import io.github.memcachedserver.internal.protocol.text.TextResponses;
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

	/** memcached's bound on a {@code stats cachedump} answer, its terminating NUL included. */
	private static final int CACHE_DUMP_LIMIT = 2 * 1024 * 1024;

	private static final byte[] ITEM = "ITEM ".getBytes(StandardCharsets.US_ASCII);

	private final ServerStatistics statistics;

	private final @Nullable StoreStatistics store;

	private final ServerSettings settings;

	private final Collection<ClientConnection> connections;

	private final Supplier<List<OpenListener>> listeners;

	private final LongSupplier clock;

	private final long startedAt;

	/**
	 * @param listeners the open listeners, in any order
	 */
	StatsReport(ServerStatistics statistics, @Nullable StoreStatistics store, ServerSettings settings,
			Collection<ClientConnection> connections, Supplier<List<OpenListener>> listeners,
			LongSupplier epochSecondClock) {
		this.statistics = statistics;
		this.store = store;
		this.settings = settings;
		this.connections = connections;
		this.listeners = listeners;
		this.clock = epochSecondClock;
		this.startedAt = epochSecondClock.getAsLong();
	}

	ByteBuf version(ByteBufAllocator allocator) {
		return TextResponses.line(allocator, "VERSION " + this.settings.version());
	}

	/**
	 * Renders one group, or memcached's answer for an unknown or special one.
	 * @param asking the connection that asked
	 */
	ByteBuf render(StatsCommand stats, ByteBufAllocator allocator, ClientConnection asking) {
		switch (stats.group()) {
			case "reset" -> {
				reset();
				return TextResponses.line(allocator, "RESET");
			}
			case "detail" -> {
				return detail(stats.argument(), allocator);
			}
			default -> {
				StringBuilder out = new StringBuilder(2048);
				if (!collect(stats.group(), (name, value) -> out.append("STAT ").append(name).append(' ').append(value)
					.append("\r\n"), asking)) {
					return TextResponses.line(allocator, "ERROR");
				}
				return text(out.append("END\r\n"), allocator);
			}
		}
	}

	/** {@code stats detail on|off|dump}: switches or lists the per-prefix statistics. */
	private ByteBuf detail(String action, ByteBufAllocator allocator) {
		KeyPrefixStatistics prefixes = this.statistics.prefixes;
		switch (action) {
			case "on", "off" -> {
				prefixes.setEnabled(action.equals("on"));
				return TextResponses.ok();
			}
			case "dump" -> {
				return text(prefixes.dump(), allocator);
			}
			default -> {
				return TextResponses.line(allocator, "CLIENT_ERROR usage: stats detail on|off|dump");
			}
		}
	}

	private static ByteBuf text(CharSequence text, ByteBufAllocator allocator) {
		ByteBuf buffer = allocator.buffer(text.length());
		buffer.writeCharSequence(text, StandardCharsets.ISO_8859_1);
		return buffer;
	}

	/**
	 * Lists a slab class's items as memcached's {@code stats cachedump} does, within its
	 * bound: the store has one pseudo class, 1 (as {@code stats items} shows), which holds
	 * every item, so the other classes are empty.
	 */
	ByteBuf cacheDump(CacheDumpCommand dump, ByteBufAllocator allocator) {
		ByteBuf out = allocator.buffer();
		if (dump.slabClass() == 1 && this.store != null) {
			long[] shown = { 0 };
			this.store.visitItems((key, valueLength, expiresAt) -> {
				// memcached copies the key with strncpy: a binary protocol key ends at a NUL byte
				int keyLength = 0;
				while (keyLength < key.length && key[keyLength] != 0) {
					keyLength++;
				}
				String rest = " [" + valueLength + " b; " + expiresAt + " s]\r\n";
				if (out.readableBytes() + ITEM.length + keyLength + rest.length() + 6 > CACHE_DUMP_LIMIT) {
					return false;
				}
				out.writeBytes(ITEM).writeBytes(key, 0, keyLength).writeCharSequence(rest, StandardCharsets.US_ASCII);
				return ++shown[0] != dump.limit();
			});
		}
		return out.writeBytes(TextResponses.end());
	}

	/**
	 * Reports one group's statistics, in memcached's order.
	 * @param group the group, empty for the general statistics
	 * @param out receives each name and value
	 * @param asking the connection that asked, {@code null} for the application
	 * @return {@code false} when this server has no such group
	 */
	boolean collect(String group, BiConsumer<String, Object> out, @Nullable ClientConnection asking) {
		switch (group) {
			case "" -> general(out);
			case "settings" -> settings(out);
			case "items" -> items(out);
			case "slabs" -> slabs(out);
			case "sizes" -> out.accept("sizes_status", "disabled");
			case "conns" -> conns(out, asking);
			default -> {
				return false;
			}
		}
		return true;
	}

	/** Clears the counters, as {@code stats reset} does. */
	void reset() {
		this.statistics.reset();
		if (this.store != null) {
			this.store.resetStatistics();
		}
	}

	private void general(BiConsumer<String, Object> out) {
		ServerStatistics s = this.statistics;
		long now = this.clock.getAsLong();
		out.accept("pid", ProcessHandle.current().pid());
		out.accept("uptime", now - this.startedAt);
		out.accept("time", now);
		out.accept("version", this.settings.version());
		out.accept("pointer_size", 64);
		ProcessCpuTime cpu = ProcessCpuTime.now();
		if (cpu != null) {
			out.accept("rusage_user", cpu.user());
			out.accept("rusage_system", cpu.system());
		}
		out.accept("max_connections", this.settings.maxConnections());
		out.accept("curr_connections", s.currentConnections.sum());
		out.accept("total_connections", s.totalConnections.sum() + s.listenersOpened.sum());
		out.accept("rejected_connections", s.rejectedConnections.sum());
		out.accept("cmd_get", s.cmdGet.sum());
		out.accept("cmd_set", s.cmdSet.sum());
		out.accept("cmd_flush", s.cmdFlush.sum());
		out.accept("cmd_touch", s.cmdTouch.sum());
		out.accept("get_hits", s.getHits.sum());
		out.accept("get_misses", s.getMisses.sum());
		if (this.store != null) {
			out.accept("get_expired", this.store.expiredReads());
			out.accept("get_flushed", this.store.flushedReads());
		}
		out.accept("delete_misses", s.deleteMisses.sum());
		out.accept("delete_hits", s.deleteHits.sum());
		out.accept("incr_misses", s.incrMisses.sum());
		out.accept("incr_hits", s.incrHits.sum());
		out.accept("decr_misses", s.decrMisses.sum());
		out.accept("decr_hits", s.decrHits.sum());
		out.accept("cas_misses", s.casMisses.sum());
		out.accept("cas_hits", s.casHits.sum());
		out.accept("cas_badval", s.casBadval.sum());
		out.accept("touch_hits", s.touchHits.sum());
		out.accept("touch_misses", s.touchMisses.sum());
		out.accept("store_too_large", s.storeTooLarge.sum());
		out.accept("store_no_memory", s.storeNoMemory.sum());
		out.accept("auth_cmds", s.authCmds.sum());
		out.accept("auth_errors", s.authErrors.sum());
		out.accept("bytes_read", s.bytesRead.sum());
		out.accept("bytes_written", s.bytesWritten.sum());
		if (this.store != null) {
			out.accept("limit_maxbytes", this.store.memoryLimit());
		}
		// memcached stops accepting at its connection limit; this server refuses the surplus
		// instead, so it accepts while a listener is open
		out.accept("accepting_conns", this.listeners.get().isEmpty() ? 0 : 1);
		out.accept("threads", this.settings.threads());
		if (this.store != null) {
			out.accept("bytes", this.store.bytesUsed());
			out.accept("curr_items", this.store.itemCount());
			out.accept("total_items", this.store.totalItems());
			out.accept("evictions", this.store.evictions());
			out.accept("reclaimed", this.store.reclaimed());
		}
	}

	private void settings(BiConsumer<String, Object> out) {
		if (this.store != null) {
			out.accept("maxbytes", this.store.memoryLimit());
		}
		out.accept("maxconns", this.settings.maxConnections());
		out.accept("verbosity", 0);
		out.accept("evictions", "on");
		out.accept("num_threads", this.settings.threads());
		out.accept("stat_key_prefix", this.statistics.prefixes.delimiter());
		out.accept("detail_enabled", this.statistics.prefixes.isEnabled() ? "yes" : "no");
		out.accept("cas_enabled", "yes");
		// every listener tells text from binary by the first byte, as memcached's default -B auto
		out.accept("binding_protocol", "auto-negotiate");
		out.accept("auth_enabled_sasl", this.settings.authentication() ? "yes" : "no");
		out.accept("auth_enabled_ascii", this.settings.authentication() ? "yes" : "no");
		out.accept("item_size_max", this.settings.maxItemSize());
		out.accept("flush_enabled", this.settings.flushEnabled() ? "yes" : "no");
		out.accept("idle_timeout", this.settings.idleTimeoutSeconds());
	}

	private void items(BiConsumer<String, Object> out) {
		if (this.store == null || this.store.itemCount() == 0) {
			return;
		}
		// one pseudo slab class: this store does not partition memory by size
		out.accept("items:1:number", this.store.itemCount());
		out.accept("items:1:mem_requested", this.store.bytesUsed());
		out.accept("items:1:evicted", this.store.evictions());
		out.accept("items:1:reclaimed", this.store.reclaimed());
	}

	private void slabs(BiConsumer<String, Object> out) {
		boolean hasItems = this.store != null && this.store.itemCount() > 0;
		out.accept("active_slabs", hasItems ? 1 : 0);
		out.accept("total_malloced", (this.store != null) ? this.store.bytesUsed() : 0);
	}

	/**
	 * Lists the listeners and the client connections as memcached lists its sockets, by
	 * number: a listener with the time since it opened, a connection with its listener's
	 * address and the time since its last command.
	 */
	private void conns(BiConsumer<String, Object> out, @Nullable ClientConnection asking) {
		long now = this.clock.getAsLong();
		SortedMap<Long, Runnable> sockets = new TreeMap<>();
		for (OpenListener listener : this.listeners.get()) {
			sockets.put(listener.id(), () -> {
				String prefix = listener.id() + ":";
				out.accept(prefix + "addr", SocketAddressText.local(listener.address()));
				out.accept(prefix + "state", "conn_listening");
				out.accept(prefix + "secs_since_last_cmd", now - listener.openedAt());
			});
		}
		for (ClientConnection connection : this.connections) {
			sockets.put(connection.session().id(), () -> {
				String prefix = connection.session().id() + ":";
				out.accept(prefix + "addr", SocketAddressText.peer(connection.session().remoteAddress()));
				out.accept(prefix + "listen_addr", SocketAddressText.local(connection.session().localAddress()));
				// as memcached: the asking connection is parsing its command, the others wait to read
				out.accept(prefix + "state", (connection == asking) ? "conn_parse_cmd" : "conn_read");
				out.accept(prefix + "secs_since_last_cmd", now - connection.lastCommandAt());
			});
		}
		sockets.values().forEach(Runnable::run);
	}

}
