package io.github.memcachedserver.server;

/**
 * The socket transport a server runs on, see {@link MemcachedServerBuilder#transport(Transport)}.
 *
 * @since 0.1.0
 */
public enum Transport {

	/** Linux's io_uring where the kernel allows it, else its epoll, else the JDK's NIO. */
	AUTO,

	/**
	 * Linux's io_uring: a turn's receives and sends go to the kernel in one call. The server
	 * fails to start where the kernel refuses it (before 5.14, or Docker's default seccomp
	 * profile).
	 */
	IO_URING,

	/**
	 * Linux's epoll: one system call per receive and per send, a little cheaper than io_uring
	 * when a turn holds few requests. The server fails to start where it is not available.
	 */
	EPOLL,

	/** The JDK's NIO, on any operating system. */
	NIO

}
