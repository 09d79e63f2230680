package io.github.memcachedserver.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.memcachedserver.server.Transport;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the memcached endpoint, under {@code memcached.server}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("memcached.server")
public class MemcachedServerProperties {

	/**
	 * Whether to start the memcached endpoint.
	 */
	private boolean enabled = true;

	/**
	 * Addresses to listen on: "host:port", "[ipv6]:port" or "unix:/path/to.sock".
	 */
	private List<String> listen = new ArrayList<>(List.of("127.0.0.1:11211"));

	/**
	 * Maximum number of simultaneous client connections (memcached's -c).
	 */
	private int maxConnections = 1024;

	/**
	 * Number of event-loop threads. Defaults to the number of available processors.
	 */
	private int threads = Runtime.getRuntime().availableProcessors();

	/**
	 * How long a connection may stay silent before it is closed; 0 for never.
	 */
	private Duration idleTimeout = Duration.ZERO;

	/**
	 * Largest item accepted, key and overhead included (memcached's -I).
	 */
	private DataSize maxItemSize = DataSize.ofMegabytes(1);

	/**
	 * How long a handler may take to answer one command before the client gets
	 * "SERVER_ERROR handler timed out"; 0 for no limit.
	 */
	private Duration handlerTimeout = Duration.ofSeconds(10);

	/**
	 * How many decoded commands one connection may have waiting for answers before the server
	 * stops reading from it.
	 */
	private int maxInFlightCommands = 32;

	/**
	 * How many answer bytes one connection may keep queued for a client that does not read
	 * them; above it the server runs none of that client's commands (and stops reading from
	 * it) until the backlog halves.
	 */
	private DataSize maxOutboundBuffer = DataSize.ofMegabytes(1);

	/**
	 * How long a client may leave more than max-outbound-buffer of its answers unread,
	 * taking none of them, before its connection is closed; 0 to keep such clients.
	 */
	private Duration outboundStallTimeout = Duration.ofSeconds(10);

	/**
	 * Whether clients may run "flush_all"; when not, it is answered "CLIENT_ERROR flush_all
	 * not allowed" (memcached's -F).
	 */
	private boolean flushAllEnabled = true;

	/**
	 * Whether clients may run "stats" (every group, "stats reset" included); when not, it
	 * is answered "CLIENT_ERROR stats not allowed".
	 */
	private boolean statsEnabled = true;

	/**
	 * Whether clients may run "verbosity"; when not, it is answered "CLIENT_ERROR verbosity
	 * not allowed".
	 */
	private boolean verbosityEnabled = true;

	/**
	 * Counts memcached's per-prefix statistics ("stats detail dump") from the start, a key's
	 * prefix ending at this character (memcached's -D). Unset, they start off, with ':' as
	 * the delimiter, until a client sends "stats detail on".
	 */
	private @Nullable Character statsDetailDelimiter;

	/**
	 * Socket transport: auto (Linux's epoll, else the JDK's NIO), io-uring (25-35% more
	 * requests per second under load, about twice epoll's p99 at a moderate rate over many
	 * connections), epoll or nio. io-uring and epoll fail the start where they are not
	 * available. On epoll, a client that half-closes its socket while more than a socket
	 * buffer of answers is still to be written can lose the last ones (a Netty 4.2 bug).
	 */
	private Transport transport = Transport.AUTO;

	/**
	 * Permission bits of unix socket listeners, in octal like memcached's -a: by default
	 * only the server's user may connect.
	 */
	private String unixSocketMode = "0700";

	/**
	 * Bytes of values that may be arriving at once, on all connections: each storage command
	 * reserves its declared length. Past it a set answers "SERVER_ERROR out of memory storing
	 * object", so clients that send large values slowly cannot fill the heap.
	 */
	private DataSize maxPendingValues = DataSize.ofMegabytes(64);

	/**
	 * Whether an OutOfMemoryError that reaches the server halts the process (status 3, as
	 * -XX:+ExitOnOutOfMemoryError), so a supervisor restarts it instead of it living on with dead
	 * event loops.
	 */
	private boolean exitOnOutOfMemory = true;

	/**
	 * Built-in store settings.
	 */
	private final Store store = new Store();

	/**
	 * Where the calls of handlers that block run, when virtual threads are not enabled.
	 */
	private final Blocking blocking = new Blocking();

	/**
	 * Client authentication.
	 */
	private final Auth auth = new Auth();

	/**
	 * TLS for every listener.
	 */
	private final Ssl ssl = new Ssl();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getListen() {
		return this.listen;
	}

	public void setListen(List<String> listen) {
		this.listen = listen;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public int getThreads() {
		return this.threads;
	}

	public void setThreads(int threads) {
		this.threads = threads;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public DataSize getMaxItemSize() {
		return this.maxItemSize;
	}

	public void setMaxItemSize(DataSize maxItemSize) {
		this.maxItemSize = maxItemSize;
	}

	public Duration getHandlerTimeout() {
		return this.handlerTimeout;
	}

	public void setHandlerTimeout(Duration handlerTimeout) {
		this.handlerTimeout = handlerTimeout;
	}

	public int getMaxInFlightCommands() {
		return this.maxInFlightCommands;
	}

	public void setMaxInFlightCommands(int maxInFlightCommands) {
		this.maxInFlightCommands = maxInFlightCommands;
	}

	public DataSize getMaxOutboundBuffer() {
		return this.maxOutboundBuffer;
	}

	public void setMaxOutboundBuffer(DataSize maxOutboundBuffer) {
		this.maxOutboundBuffer = maxOutboundBuffer;
	}

	public Duration getOutboundStallTimeout() {
		return this.outboundStallTimeout;
	}

	public void setOutboundStallTimeout(Duration outboundStallTimeout) {
		this.outboundStallTimeout = outboundStallTimeout;
	}

	public boolean isFlushAllEnabled() {
		return this.flushAllEnabled;
	}

	public void setFlushAllEnabled(boolean flushAllEnabled) {
		this.flushAllEnabled = flushAllEnabled;
	}

	public boolean isStatsEnabled() {
		return this.statsEnabled;
	}

	public void setStatsEnabled(boolean statsEnabled) {
		this.statsEnabled = statsEnabled;
	}

	public boolean isVerbosityEnabled() {
		return this.verbosityEnabled;
	}

	public void setVerbosityEnabled(boolean verbosityEnabled) {
		this.verbosityEnabled = verbosityEnabled;
	}

	public Transport getTransport() {
		return this.transport;
	}

	public void setTransport(Transport transport) {
		this.transport = transport;
	}

	public DataSize getMaxPendingValues() {
		return this.maxPendingValues;
	}

	public void setMaxPendingValues(DataSize maxPendingValues) {
		this.maxPendingValues = maxPendingValues;
	}

	public @Nullable Character getStatsDetailDelimiter() {
		return this.statsDetailDelimiter;
	}

	public void setStatsDetailDelimiter(@Nullable Character statsDetailDelimiter) {
		this.statsDetailDelimiter = statsDetailDelimiter;
	}

	public boolean isExitOnOutOfMemory() {
		return this.exitOnOutOfMemory;
	}

	public void setExitOnOutOfMemory(boolean exitOnOutOfMemory) {
		this.exitOnOutOfMemory = exitOnOutOfMemory;
	}

	public String getUnixSocketMode() {
		return this.unixSocketMode;
	}

	public void setUnixSocketMode(String unixSocketMode) {
		this.unixSocketMode = unixSocketMode;
	}

	public Blocking getBlocking() {
		return this.blocking;
	}

	public Store getStore() {
		return this.store;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/**
	 * Settings of the built-in store, used when the application defines no handler.
	 */
	public static class Blocking {

		/**
		 * Threads that run blocking handler calls. Defaults to 10 per available processor, like
		 * Reactor's bounded elastic pool.
		 */
		private int threads = 10 * Runtime.getRuntime().availableProcessors();

		/**
		 * Blocking handler calls that may wait for a thread; beyond it a command answers
		 * SERVER_ERROR at once.
		 */
		private int queueSize = 100_000;

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public int getQueueSize() {
			return this.queueSize;
		}

		public void setQueueSize(int queueSize) {
			this.queueSize = queueSize;
		}

	}

	public static class Store {

		/**
		 * Where items live: "built-in" (this JVM) or "hazelcast" (a Hazelcast map every
		 * instance of the application shares; needs memcached-server-hazelcast).
		 */
		private StoreType type = StoreType.BUILT_IN;

		/**
		 * Memory limit for items; items not used recently (CLOCK) are evicted beyond it
		 * (memcached's -m). With the Hazelcast store, the heap the item map may take on each
		 * member, backups included, in whole megabytes (least recently used evicted beyond).
		 */
		private DataSize memoryLimit = DataSize.ofMegabytes(64);

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public DataSize getMemoryLimit() {
			return this.memoryLimit;
		}

		public void setMemoryLimit(DataSize memoryLimit) {
			this.memoryLimit = memoryLimit;
		}

	}

	/**
	 * Where the items of keys no handler claims live.
	 */
	public enum StoreType {

		/** The built-in store, in this JVM. */
		BUILT_IN,

		/** A Hazelcast map that every instance of the application shares. */
		HAZELCAST

	}

	/**
	 * Who may connect. With users (here or in a file) or a MemcachedAuthenticator bean,
	 * every connection must log in: SASL (PLAIN, CRAM-MD5) on binary connections, a first
	 * "set" whose value is "user password" on text ones (memcached's -S and -Y).
	 */
	public static class Auth {

		/**
		 * Users and their passwords.
		 */
		private Map<String, String> users = new LinkedHashMap<>();

		/**
		 * A memcached auth file (-Y): one "user:password" per line. Its users add to
		 * "users".
		 */
		private @Nullable Path file;

		public Map<String, String> getUsers() {
			return this.users;
		}

		public void setUsers(Map<String, String> users) {
			this.users = users;
		}

		public @Nullable Path getFile() {
			return this.file;
		}

		public void setFile(@Nullable Path file) {
			this.file = file;
		}

	}

	/**
	 * TLS settings, from a Spring Boot SSL bundle (spring.ssl.bundle.*).
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle holding the server's key and certificate (and, for client
		 * certificates, the trusted ones). Every listener then speaks TLS only.
		 */
		private @Nullable String bundle;

		/**
		 * Whether clients must present a certificate the bundle's trust store accepts.
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

	}

	/**
	 * Client certificate policy.
	 */
	public enum ClientAuth {

		/** No client certificate is asked for. */
		NONE,

		/** A client certificate is asked for; clients without one are served too. */
		WANT,

		/** A trusted client certificate is required. */
		NEED

	}

}
