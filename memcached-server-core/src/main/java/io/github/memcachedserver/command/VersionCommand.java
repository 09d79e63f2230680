package io.github.memcachedserver.command;

/**
 * {@code version}.
 *
 * @since 0.1.0
 */
public record VersionCommand() implements MemcachedCommand {

	@Override
	public String name() {
		return "version";
	}

}
