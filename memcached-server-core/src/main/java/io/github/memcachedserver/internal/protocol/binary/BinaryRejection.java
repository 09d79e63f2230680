package io.github.memcachedserver.internal.protocol.binary;

import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.handler.Key;
import org.jspecify.annotations.Nullable;

/**
 * A binary request refused while framing it, answered with an error status in its place in
 * the pipeline.
 *
 * @param opcode the opcode as sent
 * @param opaque the value to echo
 * @param status the error status
 * @param closeConnection whether memcached closes the connection after the answer
 * @param storageKey for a storage request refused for its size or for want of memory, its
 * key (memcached has counted it in the key's prefix statistics by then), otherwise
 * {@code null}
 * @param malformedHeader whether the header itself is inconsistent (key and extras longer
 * than the body), which memcached answers even before it asks for authentication
 * @since 0.1.0
 */
public record BinaryRejection(int opcode, int opaque, int status, boolean closeConnection, @Nullable Key storageKey,
		boolean malformedHeader) implements MemcachedCommand {

	@Override
	public String name() {
		return Opcodes.name(Opcodes.plain(this.opcode));
	}

	/**
	 * Returns the key whose old item must go: a refused {@code set}'s, as memcached drops it so
	 * stale data cannot persist.
	 * @return the key, or {@code null} when the request is not a refused {@code set}
	 */
	public @Nullable Key staleKey() {
		return (Opcodes.plain(this.opcode) == Opcodes.SET) ? this.storageKey : null;
	}

}
