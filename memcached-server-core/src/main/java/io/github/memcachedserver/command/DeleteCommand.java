package io.github.memcachedserver.command;

import io.github.memcachedserver.handler.Key;

/**
 * {@code delete <key> [noreply]}.
 *
 * @param key the key
 * @param noreply whether the client asked for no answer
 * @since 0.1.0
 */
public record DeleteCommand(Key key, boolean noreply) implements MemcachedCommand {

	@Override
	public String name() {
		return "delete";
	}

}
