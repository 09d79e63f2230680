package io.github.memcachedserver.handler;

/**
 * Signals that a handler could not carry out a command: the client gets
 * {@code SERVER_ERROR <message>} and the connection stays open (the Perl original's
 * {@code -1, msg}).
 *
 * @since 0.1.0
 */
public class CommandFailedException extends RuntimeException {

	/**
	 * Creates an exception whose message the client will see.
	 * @param message the message sent after {@code SERVER_ERROR}; keep it to one line
	 */
	public CommandFailedException(String message) {
		super(message);
	}

	/**
	 * Creates an exception whose message the client will see.
	 * @param message the message sent after {@code SERVER_ERROR}; keep it to one line
	 * @param cause the cause, logged but never sent
	 */
	public CommandFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
