package io.github.memcachedserver.command;

import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.handler.Key;

/**
 * A storage command whose declared value is larger than the item size limit: its data is
 * discarded unread and it is answered {@code SERVER_ERROR object too large for cache}.
 * Like memcached, a refused {@code set} also removes the key's old item, so stale data does
 * not outlive a write the client believes it made.
 *
 * @param mode which storage command
 * @param key the key
 * @param noreply whether the client asked for no answer
 * @since 0.1.0
 */
public record OversizedStorageCommand(StorageMode mode, Key key, boolean noreply) implements MemcachedCommand {

	@Override
	public String name() {
		return this.mode.protocolName();
	}

}
