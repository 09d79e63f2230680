package io.github.memcachedserver.command;

import io.github.memcachedserver.handler.Key;

/**
 * {@code touch <key> <exptime> [noreply]}.
 *
 * @param key the key
 * @param exptime the new expiration time
 * @param noreply whether the client asked for no answer
 * @since 0.1.0
 */
public record TouchCommand(Key key, long exptime, boolean noreply) implements MemcachedCommand {

	@Override
	public String name() {
		return "touch";
	}

}
