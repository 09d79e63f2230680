package io.github.memcachedserver.server;

/**
 * Told when the server starts and about every command it answers, for metrics. Called on
 * the connection's event loop: implementations must be quick and must not block.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface MemcachedServerObserver {

	/** An observer that records nothing. */
	MemcachedServerObserver NONE = (command, result, durationNanos) -> {
	};

	/**
	 * Records one outcome. A multi-key retrieval reports one outcome per key.
	 * @param command the protocol name, e.g. {@code get}, {@code set}, {@code incr}
	 * @param result the outcome in lower case: {@code hit}, {@code miss}, {@code stored},
	 * {@code not_stored}, {@code exists}, {@code not_found}, {@code deleted}, {@code touched},
	 * {@code ok}, {@code error}
	 * @param durationNanos how long the command took, from decoding to its answer
	 */
	void commandCompleted(String command, String result, long durationNanos);

	/**
	 * Called once the server's listeners are bound.
	 * @param server the started server
	 */
	default void serverStarted(MemcachedServer server) {
	}

}
