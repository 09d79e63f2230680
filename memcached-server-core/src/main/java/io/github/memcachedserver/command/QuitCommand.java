package io.github.memcachedserver.command;

/**
 * {@code quit}: the server closes the connection once earlier responses are written.
 *
 * @since 0.1.0
 */
public record QuitCommand() implements MemcachedCommand {

	@Override
	public String name() {
		return "quit";
	}

}
