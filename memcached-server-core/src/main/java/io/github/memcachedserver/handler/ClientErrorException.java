package io.github.memcachedserver.handler;

/**
 * Signals that a command was wrong for the data it met, as memcached's
 * {@code CLIENT_ERROR <message>} does (e.g. incrementing a non-numeric value); the connection
 * stays open.
 *
 * @since 0.1.0
 */
public class ClientErrorException extends RuntimeException {

	/**
	 * Creates an exception whose message the client will see after {@code CLIENT_ERROR}.
	 * @param message the message, one line
	 */
	public ClientErrorException(String message) {
		super(message, null, false, false);
	}

}
