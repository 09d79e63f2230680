package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.memcachedserver.auth.MemcachedAuthenticator;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.observation.DefaultMemcachedObservationConvention;
import io.github.memcachedserver.observation.MemcachedObservationConvention;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import io.micrometer.observation.ObservationRegistry;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link MemcachedServer}.
 *
 * @since 0.1.0
 */
public final class MemcachedServerBuilder {

	/** The default budget for values still arriving, see {@link #maxPendingValueBytes(long)}. */
	public static final long DEFAULT_MAX_PENDING_VALUE_BYTES = 64L * 1024 * 1024;

	MemcachedCommandHandler handler;

	final List<ListenAddress> addresses = new ArrayList<>();

	int maxConnections = 1024;

	Duration idleTimeout = Duration.ZERO;

	int threads = Runtime.getRuntime().availableProcessors();

	int maxItemSize = ConcurrentMapMemcachedStore.DEFAULT_MAX_ITEM_SIZE;

	String version = MemcachedServer.DEFAULT_VERSION;

	Duration handlerTimeout = Duration.ZERO;

	int maxInFlightCommands = 32;

	int maxOutboundBytes = MemcachedServer.DEFAULT_MAX_OUTBOUND_BYTES;

	Duration outboundStallTimeout = MemcachedServer.DEFAULT_OUTBOUND_STALL_TIMEOUT;

	boolean flushAllEnabled = true;

	boolean statsEnabled = true;

	boolean verbosityEnabled = true;

	ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	@Nullable MemcachedObservationConvention observationConvention;

	@Nullable MemcachedAuthenticator authenticator;

	@Nullable SslContext tls;

	Transport transport = Transport.AUTO;

	int unixSocketMode = 0700;

	long maxPendingValueBytes = DEFAULT_MAX_PENDING_VALUE_BYTES;

	boolean exitOnOutOfMemory = true;

	char statsDetailDelimiter = ':';

	boolean statsDetailEnabled;

	MemcachedServerBuilder() {
	}

	/**
	 * Sets the handler that serves every command; without one, a
	 * {@link ConcurrentMapMemcachedStore} with default limits does.
	 * @param handler the handler
	 * @return this builder
	 */
	public MemcachedServerBuilder handler(MemcachedCommandHandler handler) {
		this.handler = handler;
		return this;
	}

	/**
	 * Adds a listener address; without any, the server listens on 127.0.0.1:11211.
	 * @param address the address
	 * @return this builder
	 */
	public MemcachedServerBuilder listen(ListenAddress address) {
		this.addresses.add(address);
		return this;
	}

	/**
	 * Adds a listener address in text form, see {@link ListenAddress#parse(String)}.
	 * @param address the address
	 * @return this builder
	 */
	public MemcachedServerBuilder listen(String address) {
		return listen(ListenAddress.parse(address));
	}

	/**
	 * Sets the connection limit, like {@code memcached -c}; clients over it are answered
	 * {@code ERROR Too many open connections} and disconnected.
	 * @param maxConnections the limit
	 * @return this builder
	 */
	public MemcachedServerBuilder maxConnections(int maxConnections) {
		if (maxConnections < 1) {
			throw new IllegalArgumentException("'maxConnections' must be positive");
		}
		this.maxConnections = maxConnections;
		return this;
	}

	/**
	 * Sets how long a connection may stay silent before it is closed, like
	 * {@code memcached -o idle_timeout}; zero for never.
	 * @param idleTimeout the timeout
	 * @return this builder
	 */
	public MemcachedServerBuilder idleTimeout(Duration idleTimeout) {
		if (idleTimeout.isNegative()) {
			throw new IllegalArgumentException("'idleTimeout' must not be negative");
		}
		this.idleTimeout = idleTimeout;
		return this;
	}

	/**
	 * Sets the number of event-loop threads, like {@code memcached -t}.
	 * @param threads the thread count
	 * @return this builder
	 */
	public MemcachedServerBuilder threads(int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("'threads' must be positive");
		}
		this.threads = threads;
		return this;
	}

	/**
	 * Sets the largest item the protocol accepts, like {@code memcached -I}; larger
	 * values are refused before they are read. Applies to the default store too.
	 * @param maxItemSize the size in bytes
	 * @return this builder
	 */
	public MemcachedServerBuilder maxItemSize(int maxItemSize) {
		this.maxItemSize = maxItemSize;
		return this;
	}

	/**
	 * Sets how long a handler may take to answer one command before the client gets
	 * {@code SERVER_ERROR handler timed out} (the connection stays open); zero for no limit.
	 * @param handlerTimeout the timeout
	 * @return this builder
	 */
	public MemcachedServerBuilder handlerTimeout(Duration handlerTimeout) {
		if (handlerTimeout.isNegative()) {
			throw new IllegalArgumentException("'handlerTimeout' must not be negative");
		}
		this.handlerTimeout = handlerTimeout;
		return this;
	}

	/**
	 * Sets how many decoded commands one connection may have waiting for their answers;
	 * beyond it the server stops reading from that client until answers catch up.
	 * @param maxInFlightCommands the limit
	 * @return this builder
	 */
	public MemcachedServerBuilder maxInFlightCommands(int maxInFlightCommands) {
		if (maxInFlightCommands < 1) {
			throw new IllegalArgumentException("'maxInFlightCommands' must be positive");
		}
		this.maxInFlightCommands = maxInFlightCommands;
		return this;
	}

	/**
	 * Sets how many answer bytes one connection may keep queued for a client that does not
	 * read them. Above it the connection runs no further command (so the server stops
	 * reading from that client) until the backlog falls below half of it; an answer that
	 * is larger than the cap on its own still goes out whole.
	 * @param maxOutboundBytes the cap in bytes (default 1 MiB)
	 * @return this builder
	 * @see #outboundStallTimeout(Duration)
	 */
	public MemcachedServerBuilder maxOutboundBytes(int maxOutboundBytes) {
		if (maxOutboundBytes < 1024) {
			throw new IllegalArgumentException("'maxOutboundBytes' must be at least 1024");
		}
		this.maxOutboundBytes = maxOutboundBytes;
		return this;
	}

	/**
	 * Sets how long a client may leave more than {@link #maxOutboundBytes(int)} of its
	 * answers unread, taking none of them, before the server closes its connection; zero
	 * to keep such clients (their memory stays bounded by the cap).
	 * @param outboundStallTimeout the grace period (default 10 seconds)
	 * @return this builder
	 */
	public MemcachedServerBuilder outboundStallTimeout(Duration outboundStallTimeout) {
		if (outboundStallTimeout.isNegative()) {
			throw new IllegalArgumentException("'outboundStallTimeout' must not be negative");
		}
		this.outboundStallTimeout = outboundStallTimeout;
		return this;
	}

	/**
	 * Sets whether clients may run {@code flush_all}; when not, it is answered
	 * {@code CLIENT_ERROR flush_all not allowed}, like {@code memcached -F}.
	 * @param flushAllEnabled whether {@code flush_all} runs (default {@code true})
	 * @return this builder
	 */
	public MemcachedServerBuilder flushAllEnabled(boolean flushAllEnabled) {
		this.flushAllEnabled = flushAllEnabled;
		return this;
	}

	/**
	 * Sets whether clients may run {@code stats} (every group, {@code stats reset}
	 * included); when not, it is answered {@code CLIENT_ERROR stats not allowed}.
	 * @param statsEnabled whether {@code stats} runs (default {@code true})
	 * @return this builder
	 */
	public MemcachedServerBuilder statsEnabled(boolean statsEnabled) {
		this.statsEnabled = statsEnabled;
		return this;
	}

	/**
	 * Sets whether clients may run {@code verbosity}; when not, it is answered
	 * {@code CLIENT_ERROR verbosity not allowed}.
	 * @param verbosityEnabled whether {@code verbosity} runs (default {@code true})
	 * @return this builder
	 */
	public MemcachedServerBuilder verbosityEnabled(boolean verbosityEnabled) {
		this.verbosityEnabled = verbosityEnabled;
		return this;
	}

	/**
	 * Sets where every command is observed: one Micrometer observation per command (named
	 * {@code memcached.server.commands}, whatever number of keys it reads), which the
	 * registry's handlers turn into a timer, a trace span, or both. The observation is in the
	 * Reactor context of the handler's answer, so what the handler observes is its child. By
	 * default ({@link ObservationRegistry#NOOP}) nothing is observed and commands cost nothing more.
	 * @param registry the registry
	 * @return this builder
	 */
	public MemcachedServerBuilder observationRegistry(ObservationRegistry registry) {
		this.observationRegistry = registry;
		return this;
	}

	/**
	 * Replaces the default name and key values of the commands' observations
	 * ({@link DefaultMemcachedObservationConvention}).
	 * @param convention the convention, or {@code null} for the default one
	 * @return this builder
	 */
	public MemcachedServerBuilder observationConvention(@Nullable MemcachedObservationConvention convention) {
		this.observationConvention = convention;
		return this;
	}

	/**
	 * Sets the version string answered to {@code version}.
	 * @param version the version
	 * @return this builder
	 */
	public MemcachedServerBuilder version(String version) {
		this.version = version;
		return this;
	}

	/**
	 * Makes every connection authenticate before it is served: SASL PLAIN on binary
	 * connections, a first {@code set} of {@code user password} on text connections (as
	 * memcached's {@code -S} and {@code -Y}); without one, connections are served at once.
	 * Send credentials over TLS only, see {@link #tls(SslContext)}.
	 * @param authenticator the authenticator, or {@code null} for none
	 * @return this builder
	 */
	public MemcachedServerBuilder authenticator(@Nullable MemcachedAuthenticator authenticator) {
		this.authenticator = authenticator;
		return this;
	}

	/**
	 * Serves every listener over TLS (as memcached's {@code -Z}); clients that do not
	 * handshake are disconnected. Client certificates are asked for or required as the
	 * context says ({@code SslContextBuilder.clientAuth}).
	 * @param tls a server-side TLS context, or {@code null} for plain TCP
	 * @return this builder
	 * @see MemcachedServer#open(ListenAddress, SslContext)
	 */
	public MemcachedServerBuilder tls(@Nullable SslContext tls) {
		if (tls != null && !tls.isServer()) {
			throw new IllegalArgumentException("A server-side TLS context is needed");
		}
		this.tls = tls;
		return this;
	}

	/**
	 * Chooses the transport. {@link Transport#AUTO} (the default) takes Linux's epoll, else the
	 * JDK's NIO. {@link Transport#IO_URING} submits a turn's reads and writes together: under
	 * load it answers 25-35% more requests per second than epoll, but at a moderate rate over
	 * many connections its p99 is about twice epoll's. On epoll, Netty 4.2 can lose the last
	 * answers of a client that half-closes its socket while more than a socket buffer of
	 * answers is still to be written (a Netty bug); io_uring and NIO deliver them.
	 * @param transport the transport; {@link Transport#IO_URING} and {@link Transport#EPOLL}
	 * make {@link MemcachedServer#start()} fail where they are not available
	 * @return this builder
	 */
	public MemcachedServerBuilder transport(Transport transport) {
		this.transport = Objects.requireNonNull(transport, "transport");
		return this;
	}

	/**
	 * Sets how many bytes of values may be arriving at once, on all connections together: a
	 * storage command reserves its value's declared length when its line is read. Beyond it
	 * commands are refused as memcached refuses one it has no memory for
	 * ({@code SERVER_ERROR out of memory storing object}), their data swallowed, so clients that
	 * send large values slowly cannot fill the heap. Default 64 MiB.
	 * @param bytes the budget
	 * @return this builder
	 */
	public MemcachedServerBuilder maxPendingValueBytes(long bytes) {
		if (bytes < 1) {
			throw new IllegalArgumentException("The budget for values still arriving must be positive");
		}
		this.maxPendingValueBytes = bytes;
		return this;
	}

	/**
	 * Sets whether an {@link OutOfMemoryError} that reaches the server halts the process (status
	 * 3, as {@code -XX:+ExitOnOutOfMemoryError}), so that a supervisor restarts it instead of
	 * leaving a process whose event loops may have died. Default {@code true}; turn it off only
	 * where something else already ends the process on such an error.
	 * @param exit whether to halt on an out-of-memory error
	 * @return this builder
	 */
	public MemcachedServerBuilder exitOnOutOfMemory(boolean exit) {
		this.exitOnOutOfMemory = exit;
		return this;
	}

	/**
	 * Sets the permission bits of unix socket listeners, like memcached's {@code -a}: by
	 * default 0700, only the server's own user may connect.
	 * @param mode the bits, e.g. {@code 0770} for the group too
	 * @return this builder
	 */
	public MemcachedServerBuilder unixSocketMode(int mode) {
		if ((mode & ~0777) != 0) {
			throw new IllegalArgumentException("A unix socket mode has permission bits only (0 to 0777), not 0"
					+ Integer.toOctalString(mode));
		}
		this.unixSocketMode = mode;
		return this;
	}

	/**
	 * Counts memcached's per-prefix statistics from the start, like its {@code -D}: each
	 * classic or binary get, storage command and delete (not meta commands, incr, decr or
	 * touch) counts for its key's prefix, the bytes before the first {@code delimiter}, and
	 * {@code stats detail dump} lists them. Without this they start off,
	 * with {@code :} as the delimiter, and a client turns them on with {@code stats detail on}.
	 * While off they cost one check per command; while on, every prefix seen stays in memory
	 * until {@code stats reset}, as in memcached.
	 * @param delimiter the character that ends a prefix: one byte (U+0001 to U+00FF)
	 * @return this builder
	 */
	public MemcachedServerBuilder statsDetail(char delimiter) {
		if (delimiter == 0 || delimiter > 0xff) {
			throw new IllegalArgumentException("A key prefix delimiter is one byte (U+0001 to U+00FF), not U+"
					+ Integer.toHexString(delimiter));
		}
		this.statsDetailDelimiter = delimiter;
		this.statsDetailEnabled = true;
		return this;
	}

	/**
	 * Builds the server (not started).
	 * @return the server
	 */
	public MemcachedServer build() {
		if (this.handler == null) {
			this.handler = ConcurrentMapMemcachedStore.builder().maxItemSize(this.maxItemSize).build();
		}
		if (this.addresses.isEmpty()) {
			this.addresses.add(ListenAddress.tcp("127.0.0.1", ListenAddress.DEFAULT_PORT));
		}
		return new MemcachedServer(this);
	}

}
