package io.github.memcachedserver.server;

import io.netty.util.internal.OutOfDirectMemoryError;

/**
 * Ends the process when an {@link OutOfMemoryError} reaches the server. After one the JVM
 * cannot be trusted to serve: event-loop threads may have died, health checks hang, even
 * SIGTERM can fail ("OutOfMemoryError occurred dispatching signal"), leaving a live process
 * that serves nobody. Halting at once, with status 3 as {@code -XX:+ExitOnOutOfMemoryError}
 * does, lets a supervisor restart it; recovering in place would have to trust every thread the
 * error may have cut short.
 * <p>
 * Netty's {@link OutOfDirectMemoryError} is not one of these: it refuses one buffer under the
 * direct-memory cap, the heap is intact, and the connection it hits closes on its own.
 */
final class OutOfMemoryExit {

	/** The exit status, that of {@code -XX:+ExitOnOutOfMemoryError}. */
	static final int STATUS = 3;

	static final OutOfMemoryExit ENABLED = new OutOfMemoryExit(true);

	static final OutOfMemoryExit DISABLED = new OutOfMemoryExit(false);

	/** Written without building a string: there may be no heap left to build one. */
	private static final String MESSAGE = "memcached-server: OutOfMemoryError, halting so that a supervisor restarts the process";

	private final boolean enabled;

	private OutOfMemoryExit(boolean enabled) {
		this.enabled = enabled;
	}

	/** Halts the process if the failure is, or was caused by, an {@link OutOfMemoryError}. */
	void onFailure(Throwable failure) {
		if (this.enabled && isOutOfMemory(failure)) {
			System.err.println(MESSAGE);
			Runtime.getRuntime().halt(STATUS);
		}
	}

	static boolean isOutOfMemory(Throwable failure) {
		// bounded: a cause chain can loop
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < 16; depth++) {
			if (cause instanceof OutOfMemoryError && !(cause instanceof OutOfDirectMemoryError)) {
				return true;
			}
			for (Throwable suppressed : cause.getSuppressed()) {
				// several reads failing together arrive as one composite
				if (suppressed instanceof OutOfMemoryError && !(suppressed instanceof OutOfDirectMemoryError)) {
					return true;
				}
			}
			cause = cause.getCause();
		}
		return false;
	}

}
