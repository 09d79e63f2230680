package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The server's event loops on the transport its builder chose. reactor-netty's own loops take
 * the first transport available and cannot be told to run epoll where io_uring is there too.
 * <p>
 * Listeners and their connections run on the transport's loops; a JDK socket handed to
 * {@link MemcachedServer#serve} is an NIO channel, so it gets NIO loops of its own, made the
 * first time one arrives.
 */
final class EventLoops implements LoopResources {

	private final Transport transport;

	private final int threads;

	private final EventLoopGroup loops;

	private @Nullable EventLoopGroup nioLoops;

	private EventLoops(Transport transport, int threads) {
		this.transport = transport;
		this.threads = threads;
		this.loops = group(transport, threads);
	}

	/**
	 * Makes the loops of a transport.
	 * @param wanted the transport asked for
	 * @param threads how many loops
	 * @return the loops
	 * @throws MemcachedServerException when the transport asked for is not available here
	 */
	static EventLoops create(Transport wanted, int threads) {
		return new EventLoops(available(wanted), threads);
	}

	private static Transport available(Transport wanted) {
		return switch (wanted) {
			case AUTO -> Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
			case IO_URING -> required(wanted, IoUring.isAvailable(), IoUring.unavailabilityCause());
			case EPOLL -> required(wanted, Epoll.isAvailable(), Epoll.unavailabilityCause());
			case NIO -> wanted;
		};
	}

	private static Transport required(Transport transport, boolean available, @Nullable Throwable cause) {
		if (!available) {
			throw new MemcachedServerException(transport.name().toLowerCase(Locale.ROOT) + " is not available here",
					cause);
		}
		return transport;
	}

	private static EventLoopGroup group(Transport transport, int threads) {
		IoHandlerFactory handlers = switch (transport) {
			case IO_URING -> IoUringIoHandler.newFactory();
			case EPOLL -> EpollIoHandler.newFactory();
			default -> NioIoHandler.newFactory();
		};
		return new MultiThreadIoEventLoopGroup(threads, threadsNamed(transport), handlers);
	}

	// FastThreadLocalThread: Netty's thread-local caches (the pooled allocator's among them)
	// take a faster path on it
	private static ThreadFactory threadsNamed(Transport transport) {
		String prefix = "memcached-" + transport.name().toLowerCase(Locale.ROOT) + "-";
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new FastThreadLocalThread(task, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** The transport the loops run, never {@link Transport#AUTO}. */
	Transport transport() {
		return this.transport;
	}

	@Override
	public EventLoopGroup onServer(boolean useNative) {
		return (useNative || this.transport == Transport.NIO) ? this.loops : nioLoops();
	}

	private synchronized EventLoopGroup nioLoops() {
		if (this.nioLoops == null) {
			this.nioLoops = group(Transport.NIO, this.threads);
		}
		return this.nioLoops;
	}

	@Override
	public boolean daemon() {
		return true;
	}

	@Override
	public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
		EventLoopGroup nio;
		synchronized (this) {
			nio = this.nioLoops;
		}
		Mono<Void> shutdown = shutdown(this.loops, quietPeriod, timeout);
		return (nio != null) ? Mono.when(shutdown, shutdown(nio, quietPeriod, timeout)) : shutdown;
	}

	private static Mono<Void> shutdown(EventLoopGroup group, Duration quietPeriod, Duration timeout) {
		return Mono.create((sink) -> group
			.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
			.addListener((done) -> sink.success()));
	}

}
