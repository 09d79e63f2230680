package io.github.memcachedserver.server;

/**
 * The socket transport a server runs on, see {@link MemcachedServerBuilder#transport(Transport)}.
 *
 * @since 0.1.0
 */
public enum Transport {

	/**
	 * Linux's epoll (what memcached itself runs on), else the JDK's NIO: the best tail latency
	 * at a moderate rate over many connections.
	 */
	AUTO,

	/**
	 * Linux's io_uring: a turn's receives and sends go to the kernel in one call, so under load
	 * it answers 25-35% more requests per second than epoll; at a moderate rate over many
	 * connections its p99 is about twice epoll's. The server fails to start where the kernel
	 * refuses it (before 5.14, or Docker's default seccomp profile).
	 */
	IO_URING,

	/**
	 * Linux's epoll: one system call per receive and per send. The server fails to start where
	 * it is not available.
	 */
	EPOLL,

	/** The JDK's NIO, on any operating system. */
	NIO

}
