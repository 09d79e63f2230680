package io.github.memcachedserver.handler;

/**
 * Signals that a handler does not implement a command at all (as opposed to failing at
 * it); the client gets {@code SERVER_ERROR <message>}. Routing uses the difference: a
 * {@code flush_all} skips the handlers that cannot flush.
 *
 * @since 0.1.0
 */
public class UnsupportedCommandException extends CommandFailedException {

	/**
	 * Creates an exception for a command.
	 * @param command the command's protocol name, e.g. {@code flush_all}
	 */
	public UnsupportedCommandException(String command) {
		super(command + " not supported");
	}

}
