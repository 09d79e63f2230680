package io.github.memcachedserver.command;

/**
 * A request the decoder rejected: its error line is answered in the request's place in the
 * pipeline, so later responses stay in order.
 *
 * @param line the error line without its line end, e.g. {@code CLIENT_ERROR bad data chunk};
 * empty when the connection closes without an answer
 * @param noreply whether the request asked for no answer (1.6.45 keeps such errors silent)
 * @param closeConnection whether the connection closes after the line
 * @since 0.1.0
 */
public record ErrorReply(String line, boolean noreply, boolean closeConnection) implements MemcachedCommand {

	/** memcached's answer to an unknown command or a malformed request. */
	public static final ErrorReply ERROR = new ErrorReply("ERROR", false, false);

	/** Closes the connection without an answer, as memcached does for a runaway line. */
	public static final ErrorReply CLOSE = new ErrorReply("", false, true);

	/**
	 * Creates an error that keeps the connection open.
	 * @param line the error line
	 * @param noreply whether the request asked for no answer
	 * @return the reply
	 */
	public static ErrorReply of(String line, boolean noreply) {
		return new ErrorReply(line, noreply, false);
	}

	/**
	 * Returns {@code invalid}: the request was refused before it became a command.
	 */
	@Override
	public String name() {
		return "invalid";
	}

}
