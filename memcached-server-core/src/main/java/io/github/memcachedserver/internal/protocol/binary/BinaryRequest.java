package io.github.memcachedserver.internal.protocol.binary;

import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.handler.Key;
import org.jspecify.annotations.Nullable;

/**
 * One binary-protocol request, framed and checked (memcached-protocol-binary.txt): its
 * opcode with the quiet variants folded into {@link #quiet()}, and the parts of its body.
 *
 * @param opcode the opcode as sent
 * @param command the opcode with a quiet variant mapped to its plain one
 * @param quiet whether successes (for gets: misses) go unanswered
 * @param opaque the value to echo in the answer
 * @param cas the CAS unique of the request header
 * @param key the key, or {@code null} when the request has none
 * @param extras the extras, possibly empty
 * @param value the value, possibly empty
 * @since 0.1.0
 */
public record BinaryRequest(int opcode, int command, boolean quiet, int opaque, long cas, @Nullable Key key,
		byte[] extras, byte[] value) implements MemcachedCommand {

	@Override
	public String name() {
		return Opcodes.name(this.command);
	}

}
