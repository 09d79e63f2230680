package io.github.memcachedserver.handler;

/**
 * Signals that a handler wants the connection closed: the client gets
 * {@code SERVER_ERROR <message>}, then the server closes the connection (the Perl
 * original's {@code -2, msg}).
 *
 * @since 0.1.0
 */
public class ConnectionAbortedException extends CommandFailedException {

	/**
	 * Creates an exception whose message the client will see before the connection closes.
	 * @param message the message sent after {@code SERVER_ERROR}; keep it to one line
	 */
	public ConnectionAbortedException(String message) {
		super(message);
	}

}
