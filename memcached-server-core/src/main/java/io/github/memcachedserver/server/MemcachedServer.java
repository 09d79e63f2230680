package io.github.memcachedserver.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.QuitCommand;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.internal.protocol.PendingValues;
import io.github.memcachedserver.internal.StoreAccess;
import io.github.memcachedserver.internal.protocol.ProtocolDetector;
import io.github.memcachedserver.internal.protocol.ReceivedValueCommand;
import io.github.memcachedserver.internal.protocol.binary.BinaryRejection;
import io.github.memcachedserver.internal.protocol.binary.BinaryRequest;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.internal.protocol.text.TextProtocolLimits;
import io.github.memcachedserver.internal.protocol.text.TextResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.SslProvider;
import reactor.netty.tcp.TcpServer;
import reactor.netty.tcp.TcpServerConfig;

/**
 * A memcached-protocol server: listeners on any number of TCP and unix socket addresses,
 * all serving one {@link MemcachedCommandHandler}. Listeners can be opened and closed while
 * the server runs (the Perl original's {@code open}, {@code close} and {@code close_all}).
 * <p>
 * Each connection's commands go through its ordered reply queue ({@link CommandQueue}):
 * consecutive reads run concurrently, any other command runs alone, so a pipelined write is
 * visible to the read after it, and answers leave in request order, those of one socket read
 * in one flush.
 *
 * @since 0.1.0
 */
public final class MemcachedServer {

	private static final Logger logger = LoggerFactory.getLogger(MemcachedServer.class);

	/** The version answered to {@code version}: the memcached release whose protocol we serve. */
	public static final String DEFAULT_VERSION = "1.6.18";

	/** The default cap on answer bytes queued for one connection, see {@link MemcachedServerBuilder#maxOutboundBytes(int)}. */
	public static final int DEFAULT_MAX_OUTBOUND_BYTES = 1024 * 1024;

	/** The default grace period for a client that reads none of its answers, see {@link MemcachedServerBuilder#outboundStallTimeout(Duration)}. */
	public static final Duration DEFAULT_OUTBOUND_STALL_TIMEOUT = Duration.ofSeconds(10);

	/** Who runs the commands a management tool asks for: no client connection (socket ids start at 1). */
	private static final Session MANAGEMENT_SESSION = new Session(0, null, null);

	/**
	 * How a listener accepts: every connection waiting, up to sixteen, each turn of its event
	 * loop. Netty's epoll listener takes one per turn, so the last of a burst of a thousand
	 * connections that arrives while the loop serves others waited seconds for its turn.
	 */
	private static final ServerChannelRecvByteBufAllocator ACCEPT_BATCH = acceptBatch(16);

	private final MemcachedCommandHandler handler;

	private final List<ListenAddress> initialAddresses;

	private final TextProtocolLimits limits;

	private final int maxConnections;

	private final Duration idleTimeout;

	private final int threads;

	private final int maxInFlightCommands;

	private final int maxOutboundBytes;

	private final Duration outboundStallTimeout;

	private final AdminCommandPolicy adminCommands;

	private final ServerStatistics statistics;

	private final Map<Long, ClientConnection> connections = new ConcurrentHashMap<>();

	/** Open listeners in opening order; only short, non-blocking sections hold its lock. */
	private final Map<SocketAddress, OpenListener> listeners = Collections.synchronizedMap(new LinkedHashMap<>());

	/** Numbers listeners and connections, in the order they open, as file descriptors number memcached's. */
	private final AtomicLong socketIds = new AtomicLong();

	private final List<SocketAddress> lostListeners = new CopyOnWriteArrayList<>();

	private final StatsReport statsReport;

	private final CommandDispatcher dispatcher;

	private final BinaryCommandDispatcher binaryDispatcher;

	/** The server's TLS for new handshakes on its listeners, swapped by {@link #updateTls}. */
	private volatile @Nullable SslProvider tls;

	private final boolean authenticationRequired;

	private final Transport transport;

	private final int unixSocketMode;

	/** Values still arriving, on all connections: bounded, so slow clients cannot exhaust the heap. */
	private final PendingValues pendingValues;

	private final OutOfMemoryExit outOfMemoryExit;

	/** Runs the commands of every connection: one object for all of them (see {@link CommandRunner}). */
	private final CommandRunner commandRunner = new CommandRunner() {

		@Override
		public Publisher<ByteBuf> run(MemcachedCommand command, ClientConnection connection,
				ByteBufAllocator allocator) {
			return MemcachedServer.this.run(command, connection, allocator);
		}

		@Override
		public void startedTogether(ClientConnection connection) {
			connection.sendBatchedReads();
		}

		@Override
		public boolean endsConnection(MemcachedCommand command) {
			return MemcachedServer.endsConnection(command);
		}

	};

	private @Nullable EventLoops loops;

	private @Nullable ChannelGroup channels;

	private @Nullable TcpServer tcpServer;

	MemcachedServer(MemcachedServerBuilder builder) {
		this.handler = builder.handler;
		this.initialAddresses = List.copyOf(builder.addresses);
		this.limits = TextProtocolLimits.DEFAULTS.withMaxItemSize(builder.maxItemSize);
		this.maxConnections = builder.maxConnections;
		this.idleTimeout = builder.idleTimeout;
		this.threads = builder.threads;
		this.maxInFlightCommands = builder.maxInFlightCommands;
		this.maxOutboundBytes = builder.maxOutboundBytes;
		this.outboundStallTimeout = builder.outboundStallTimeout;
		this.statistics = new ServerStatistics(
				new KeyPrefixStatistics(builder.statsDetailDelimiter, builder.statsDetailEnabled));
		this.adminCommands = new AdminCommandPolicy(builder.flushAllEnabled, builder.statsEnabled,
				builder.verbosityEnabled, this.statistics);
		this.tls = (builder.tls != null) ? SslProvider.builder().sslContext(builder.tls).build() : null;
		this.transport = builder.transport;
		this.unixSocketMode = builder.unixSocketMode;
		this.pendingValues = new PendingValues(builder.maxPendingValueBytes,
				(key) -> StoreAccess.receiving(this.handler, key));
		this.outOfMemoryExit = builder.exitOnOutOfMemory ? OutOfMemoryExit.ENABLED : OutOfMemoryExit.DISABLED;
		this.authenticationRequired = builder.authenticator != null;
		ServerSettings settings = new ServerSettings(builder.version, this.maxConnections, this.threads,
				builder.maxItemSize, this.idleTimeout.toSeconds(), this.authenticationRequired, builder.flushAllEnabled);
		StatsReport statsReport = new StatsReport(this.statistics, this.handler.storeStatistics(), settings,
				this.connections.values(), this::openListeners, () -> System.currentTimeMillis() / 1000);
		this.statsReport = statsReport;
		ConnectionAuthentication authentication = (builder.authenticator != null) ? new ConnectionAuthentication(
				builder.authenticator, this.statistics, new HandlerTimeout(builder.handlerTimeout)) : null;
		CommandObservations observations = new CommandObservations(builder.observationRegistry,
				builder.observationConvention);
		this.dispatcher = new CommandDispatcher(this.handler, this.statistics, statsReport, builder.handlerTimeout,
				observations, authentication);
		this.binaryDispatcher = new BinaryCommandDispatcher(this.handler, this.statistics, statsReport, builder.version,
				builder.handlerTimeout, observations, authentication);
	}

	/**
	 * Starts configuring a server.
	 * @return a builder
	 */
	public static MemcachedServerBuilder builder() {
		return new MemcachedServerBuilder();
	}

	/**
	 * Binds every configured listener. Fails, with no listener left open, when any address
	 * cannot be bound.
	 * @return this server
	 * @throws MemcachedServerException when an address cannot be bound, or the transport
	 * chosen is not available here
	 */
	public synchronized MemcachedServer start() {
		if (this.tcpServer != null) {
			return this;
		}
		this.loops = EventLoops.create(this.transport, this.threads);
		this.channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
		this.tcpServer = TcpServer.create()
			.runOn(this.loops, true) // the loops are of one transport, native or not
			.option(ChannelOption.RCVBUF_ALLOCATOR, ACCEPT_BATCH)
			.channelGroup(this.channels)
			.doOnConnection(this::configureConnection)
			.handle(this::serve);
		try {
			for (ListenAddress address : this.initialAddresses) {
				open(address);
			}
		}
		catch (RuntimeException ex) {
			stop(Duration.ZERO);
			throw ex;
		}
		return this;
	}

	/**
	 * Opens one more listener on a running server, over TLS when the server was built with
	 * {@link MemcachedServerBuilder#tls(SslContext)}.
	 * @param address where to listen
	 * @return the bound address (with the actual port when 0 was asked for)
	 * @throws MemcachedServerException when the address cannot be bound
	 */
	public synchronized SocketAddress open(ListenAddress address) {
		TcpServer tcp = started();
		if (this.tls != null) {
			// every handshake asks for the server's current TLS, whatever name the client sent
			// (or none), so that updateTls reaches listeners that are already open
			tcp = tcp.secure((spec) -> spec.sslContext(this.tls.getSslContext())
				.setSniAsyncMappings((serverName, promise) -> promise.setSuccess(this.tls)));
		}
		return bind(tcp, address);
	}

	/**
	 * Opens one more listener on a running server, with its own choice of TLS.
	 * @param address where to listen
	 * @param tls a server-side TLS context for this listener, or {@code null} for plain TCP
	 * @return the bound address (with the actual port when 0 was asked for)
	 * @throws MemcachedServerException when the address cannot be bound
	 */
	public synchronized SocketAddress open(ListenAddress address, @Nullable SslContext tls) {
		TcpServer tcp = started();
		return bind((tls != null) ? tcp.secure((spec) -> spec.sslContext(tls)) : tcp, address);
	}

	/**
	 * Replaces the server's TLS context, e.g. with a renewed certificate: handshakes from now
	 * on, on every listener opened with the server's TLS, use it; connections already
	 * established carry on as they are.
	 * @param tls the new server-side TLS context
	 * @throws IllegalStateException when the server was built without TLS
	 */
	public void updateTls(SslContext tls) {
		if (this.tls == null) {
			throw new IllegalStateException("The server was built without TLS");
		}
		if (!tls.isServer()) {
			throw new IllegalArgumentException("A server-side TLS context is needed");
		}
		this.tls = SslProvider.builder().sslContext(tls).build();
		logger.info("Memcached server TLS updated for new connections");
	}

	private TcpServer started() {
		TcpServer tcp = this.tcpServer;
		if (tcp == null) {
			throw new IllegalStateException("Server is not started");
		}
		return tcp;
	}

	private SocketAddress bind(TcpServer tcp, ListenAddress address) {
		// numbered before it can accept, so that it comes before its connections
		long id = this.socketIds.incrementAndGet();
		DisposableServer server;
		try {
			if (address instanceof ListenAddress.Unix unix) {
				UnixSocketFile.prepare(unix.path());
			}
			SocketAddress socketAddress = bindAddress(address);
			server = tcp.bindAddress(() -> socketAddress).bindNow(Duration.ofSeconds(10));
			if (address instanceof ListenAddress.Unix unix) {
				UnixSocketFile.restrict(unix.path(), this.unixSocketMode);
			}
		}
		catch (IOException | RuntimeException ex) {
			throw new MemcachedServerException("Could not listen on " + address + ": " + rootMessage(ex), ex);
		}
		SocketAddress bound = jdkAddress(server.address());
		OpenListener listener = new OpenListener(id, bound, System.currentTimeMillis() / 1000, server);
		this.listeners.put(bound, listener);
		this.statistics.listenersOpened.increment();
		server.onDispose().subscribe(null, null, () -> listenerClosed(listener));
		logger.info("Memcached server listening on {} ({})", bound, transport());
		return bound;
	}

	/**
	 * Serves a connection accepted elsewhere (the Perl original's {@code serve($fh)}), as if
	 * it had come in through a listener.
	 * @param socket a connected, blocking or non-blocking socket channel; the server takes it
	 * over and closes it when the client is done
	 */
	public synchronized void serve(SocketChannel socket) {
		TcpServer server = this.tcpServer;
		if (server == null || this.loops == null) {
			throw new IllegalStateException("Server is not started");
		}
		ChannelGroup channels = this.channels;
		TcpServerConfig config = server.configuration();
		ConnectionObserver observer = (connection, state) -> {
			if (state == ConnectionObserver.State.CONFIGURED) {
				channels.add(connection.channel());
				config.doOnConnection().accept(connection);
			}
			else if (state == ConnectionObserver.State.DISCONNECTING && connection.channel().isActive()) {
				connection.dispose();
			}
		};
		Channel channel = new NioSocketChannel(socket);
		channel.pipeline().addLast(config.channelInitializer(observer.then(config.childObserver()), null, true));
		// an accepted JDK channel is NIO, so it joins the NIO flavour of the event loops
		this.loops.onServer(false).next().register(channel);
	}

	/**
	 * Stops accepting connections on one listener; its open connections carry on.
	 * @param address the listener's address (for port 0, the bound address
	 * {@link #open(ListenAddress)} returned)
	 * @return whether such a listener was open
	 */
	public boolean close(ListenAddress address) {
		return close(jdkAddress(address.toSocketAddress()));
	}

	/**
	 * Stops accepting connections on the listener bound to an address; its open connections
	 * carry on.
	 * @param boundAddress one of {@link #boundAddresses()}
	 * @return whether such a listener was open
	 */
	public boolean close(SocketAddress boundAddress) {
		for (SocketAddress bound : boundAddresses()) {
			if (bound.equals(boundAddress) || bound.toString().equals(boundAddress.toString())) {
				OpenListener listener = this.listeners.remove(bound);
				if (listener != null) {
					// close only the listening socket (disposeNow would also wait for every connection),
					// and wait for close's own future: io_uring completes the channel's close future
					// before the kernel has closed the socket, which accepts connections until then
					listener.server().channel().close().awaitUninterruptibly(10_000);
					listener.server().onDispose().block(Duration.ofSeconds(10));
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Stops accepting connections on every listener; open connections carry on.
	 */
	public void closeAll() {
		for (SocketAddress bound : boundAddresses()) {
			close(bound);
		}
	}

	/**
	 * Stops gracefully, waiting up to 30 seconds for in-flight commands.
	 * @see #stop(Duration)
	 */
	public void stop() {
		stop(Duration.ofSeconds(30));
	}

	/**
	 * Stops the server: closes every listener, stops reading new commands, lets the commands
	 * already read finish and their answers reach the clients (up to the timeout), then closes
	 * every connection.
	 * @param timeout how long to wait for in-flight commands
	 */
	public synchronized void stop(Duration timeout) {
		if (this.tcpServer == null) {
			return;
		}
		// no new connections first, so every connection gets its end-of-commands mark
		closeAll();
		stopReading();
		ChannelGroup channels = this.channels;
		if (channels != null) {
			awaitConnectionsDrained(timeout);
			channels.close().awaitUninterruptibly(Math.max(1000, timeout.toMillis()));
		}
		if (this.loops != null) {
			this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
		}
		this.tcpServer = null;
		this.channels = null;
		this.loops = null;
	}

	/**
	 * Stops reading from every connection and queues the end-of-commands mark behind what
	 * each has already decoded, on its own event loop, so no read command is dropped.
	 */
	private void stopReading() {
		ChannelGroup channels = this.channels;
		if (channels == null) {
			return;
		}
		for (Channel channel : channels) {
			if (channel instanceof ServerChannel) {
				continue;
			}
			channel.eventLoop().execute(() -> {
				channel.config().setAutoRead(false);
				channel.pipeline().fireChannelRead(CommandQueue.END_OF_COMMANDS);
			});
		}
	}

	private void awaitConnectionsDrained(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!this.connections.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void listenerClosed(OpenListener listener) {
		// still registered means nobody asked for it to close
		if (this.listeners.remove(listener.address(), listener)) {
			this.lostListeners.add(listener.address());
			logger.error("Memcached listener on {} closed unexpectedly", listener.address());
		}
	}

	/**
	 * Returns the listeners that closed without being asked to (for health checks).
	 * @return their bound addresses
	 */
	public List<SocketAddress> lostListeners() {
		return List.copyOf(this.lostListeners);
	}

	// Netty's NIO binds a unix socket to the JDK's address only, its native transports to its own
	private SocketAddress bindAddress(ListenAddress address) {
		return (address instanceof ListenAddress.Unix unix && transport() == Transport.NIO)
				? UnixDomainSocketAddress.of(unix.path()) : address.toSocketAddress();
	}

	/**
	 * Returns whether the server has been started and not stopped.
	 * @return whether it runs
	 */
	public synchronized boolean isRunning() {
		return this.tcpServer != null;
	}

	/**
	 * Returns the transport the server runs on: the one {@link Transport#AUTO} found, or the
	 * one chosen.
	 * @return the transport (never {@link Transport#AUTO}), or {@code null} when the server
	 * is not running
	 */
	public synchronized @Nullable Transport transport() {
		EventLoops loops = this.loops;
		return (loops != null) ? loops.transport() : null;
	}

	/**
	 * Returns the addresses the open listeners are bound to, in the order they were opened.
	 * @return the bound addresses
	 */
	public List<SocketAddress> boundAddresses() {
		synchronized (this.listeners) {
			return new ArrayList<>(this.listeners.keySet());
		}
	}

	private List<OpenListener> openListeners() {
		synchronized (this.listeners) {
			return List.copyOf(this.listeners.values());
		}
	}

	/**
	 * Returns the port of the first open TCP listener.
	 * @return the port
	 * @throws IllegalStateException when no TCP listener is open
	 */
	public int port() {
		for (SocketAddress address : boundAddresses()) {
			if (address instanceof InetSocketAddress inet) {
				return inet.getPort();
			}
		}
		throw new IllegalStateException("No TCP listener is open");
	}

	/**
	 * Returns the server's counters.
	 * @return the statistics
	 */
	public ServerStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Reports one group of memcached's {@code stats}, as the {@code stats} command would, for
	 * management tools.
	 * @param group empty for the general statistics, or {@code settings}, {@code items},
	 * {@code slabs}, {@code sizes}, {@code conns}
	 * @return each name and value in memcached's order, or an empty map for an unknown group
	 */
	public Map<String, String> stats(String group) {
		Map<String, String> stats = new LinkedHashMap<>();
		this.statsReport.collect(group, (name, value) -> stats.put(name, String.valueOf(value)), null);
		return stats;
	}

	/**
	 * Invalidates every item now, as a client's {@code flush_all} does (it counts in
	 * {@code cmd_flush}), whatever {@link MemcachedServerBuilder#flushAllEnabled} says: that
	 * setting is about clients.
	 * @return completes once the handler has flushed
	 */
	public Mono<Void> flushAll() {
		this.statistics.cmdFlush.increment();
		return this.handler.flushAll(MANAGEMENT_SESSION, 0);
	}

	/**
	 * Returns the handler that serves every command.
	 * @return the handler
	 */
	public MemcachedCommandHandler handler() {
		return this.handler;
	}

	private void configureConnection(Connection connection) {
		connection.addHandlerLast("memcached-protocol-detector", new ProtocolDetector(this.limits,
				this.authenticationRequired, this.pendingValues, this.statistics.bytesRead));
		if (!this.idleTimeout.isZero()) {
			connection.onReadIdle(this.idleTimeout.toMillis(), connection::dispose);
		}
	}

	private Publisher<Void> serve(NettyInbound inbound, NettyOutbound outbound) {
		Connection[] holder = new Connection[1];
		inbound.withConnection((connection) -> holder[0] = connection);
		Channel channel = holder[0].channel();
		if (this.statistics.currentConnections() >= this.maxConnections) {
			this.statistics.rejectedConnections.increment();
			// memcached's answer when it is over its connection limit, then it hangs up
			return outbound.send(Mono.just(TextResponses.tooManyConnections())).then();
		}
		Session session = new Session(this.socketIds.incrementAndGet(), channel.localAddress(),
				channel.remoteAddress());
		session.setPrincipal(certificateSubject(channel));
		ClientConnection connection = new ClientConnection(session, System.currentTimeMillis() / 1000, this.handler,
				this.outOfMemoryExit);
		opened(connection);
		holder[0].onDispose(() -> closed(connection));
		holder[0].addHandlerLast(CommandQueue.NAME, new CommandQueue(connection, this.commandRunner,
				this.maxInFlightCommands, this.statistics.bytesWritten));
		// behind the queue, where no read or answer passes it: it handles neither
		holder[0].addHandlerLast(OutboundBacklogGuard.NAME,
				new OutboundBacklogGuard(this.maxOutboundBytes, this.outboundStallTimeout));
		// the queue reads, answers and closes the connection itself: Reactor is not on the I/O path
		return outbound.neverComplete();
	}

	/** Notes a command's arrival and applies the admin command policy to it. */
	private MemcachedCommand accept(MemcachedCommand decoded, ClientConnection connection) {
		connection.commandReceived(System.currentTimeMillis() / 1000);
		return this.adminCommands.apply(decoded);
	}

	/**
	 * Runs a decoded command. A value that arrived in the store's memory is stored (or
	 * dropped) while the command starts, so its buffer goes back as soon as it has.
	 */
	private Publisher<ByteBuf> run(MemcachedCommand decoded, ClientConnection connection, ByteBufAllocator allocator) {
		try {
			return dispatch(accept(decoded, connection), connection, allocator);
		}
		finally {
			ReferenceCountUtil.release(decoded);
		}
	}

	private Publisher<ByteBuf> dispatch(MemcachedCommand command, ClientConnection connection,
			ByteBufAllocator allocator) {
		if (command instanceof ReceivedValueCommand received) {
			return (received.command() instanceof BinaryRequest request)
					? this.binaryDispatcher.dispatch(request, received.value(), connection, allocator)
					: this.dispatcher.dispatch(received.command(), received.value(), connection, allocator);
		}
		if (command instanceof BinaryRequest request) {
			return this.binaryDispatcher.dispatch(request, null, connection, allocator);
		}
		if (command instanceof BinaryRejection rejection) {
			return this.binaryDispatcher.reject(rejection, connection, allocator);
		}
		return this.dispatcher.dispatch(command, null, connection, allocator);
	}

	/**
	 * Returns who a TLS client's certificate names, when it presented one the server trusts;
	 * a login, where the server requires one, replaces it.
	 */
	private static @Nullable Principal certificateSubject(Channel channel) {
		SslHandler tls = channel.pipeline().get(SslHandler.class);
		if (tls == null) {
			return null;
		}
		try {
			return tls.engine().getSession().getPeerPrincipal();
		}
		catch (SSLPeerUnverifiedException ex) {
			return null;
		}
	}

	private void opened(ClientConnection connection) {
		this.statistics.currentConnections.increment();
		this.statistics.totalConnections.increment();
		this.connections.put(connection.session().id(), connection);
		try {
			this.handler.connectionOpened(connection.session());
		}
		catch (RuntimeException ex) {
			logger.warn("Handler failed on connection open for {}", connection.session(), ex);
		}
	}

	private void closed(ClientConnection connection) {
		if (this.connections.remove(connection.session().id()) == null) {
			return;
		}
		this.statistics.currentConnections.decrement();
		try {
			this.handler.connectionClosed(connection.session());
		}
		catch (RuntimeException ex) {
			logger.warn("Handler failed on connection close for {}", connection.session(), ex);
		}
	}

	private static boolean endsConnection(MemcachedCommand command) {
		return command instanceof QuitCommand || (command instanceof ErrorReply error && error.closeConnection())
				|| (command instanceof BinaryRequest request && request.command() == Opcodes.QUIT);
	}

	/**
	 * Reports unix socket addresses as the JDK's type rather than the transport's.
	 */
	private static SocketAddress jdkAddress(SocketAddress address) {
		return (address instanceof DomainSocketAddress domain) ? UnixDomainSocketAddress.of(domain.path()) : address;
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

	private static ServerChannelRecvByteBufAllocator acceptBatch(int acceptsPerWakeup) {
		ServerChannelRecvByteBufAllocator allocator = new ServerChannelRecvByteBufAllocator();
		// go on until the kernel has none waiting: an accept never "fills" what was attempted
		allocator.respectMaybeMoreData(false);
		allocator.maxMessagesPerRead(acceptsPerWakeup);
		return allocator;
	}

}
