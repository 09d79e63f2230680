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
 * @param staleKey for a refused {@code set}, the key whose old item must go (as memcached
 * drops it so stale data cannot persist), otherwise {@code null}
 * @param malformedHeader whether the header itself is inconsistent (key and extras longer
 * than the body), which memcached answers even before it asks for authentication
 * @since 0.1.0
 */
public record BinaryRejection(int opcode, int opaque, int status, boolean closeConnection, @Nullable Key staleKey,
		boolean malformedHeader) implements MemcachedCommand {

	@Override
	public String name() {
		return Opcodes.name(Opcodes.plain(this.opcode));
	}

}
