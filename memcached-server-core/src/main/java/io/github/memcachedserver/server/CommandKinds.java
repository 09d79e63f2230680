package io.github.memcachedserver.server;

import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.RetrievalCommand;
import io.github.memcachedserver.command.VersionCommand;
import io.github.memcachedserver.internal.protocol.binary.BinaryRequest;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;

/**
 * Which commands change nothing a later command could see, and so may run concurrently with
 * each other (DESIGN.md, "Threading and ordering"). Everything else is a barrier.
 */
final class CommandKinds {

	private CommandKinds() {
	}

	/**
	 * Tells whether a command only reads: {@code get}, {@code gets}, {@code mg} without a flag
	 * that writes ({@code T}, {@code N}, {@code R}), {@code mn}, {@code me}, {@code version},
	 * and the binary gets (quiet or not), {@code Noop} and {@code Version}.
	 * @param command the command
	 * @return whether it may run beside other reads
	 */
	static boolean isRead(MemcachedCommand command) {
		if (command instanceof RetrievalCommand retrieval) {
			return !retrieval.touch();
		}
		if (command instanceof MetaCommand meta) {
			return switch (meta.code()) {
				case 'g' -> meta.flags().ttl() == null && meta.flags().vivifyTtl() == null
						&& meta.flags().recacheThreshold() == null;
				case 'n', 'e' -> true;
				default -> false;
			};
		}
		if (command instanceof BinaryRequest request) {
			return switch (request.command()) {
				case Opcodes.GET, Opcodes.GETK, Opcodes.NOOP, Opcodes.VERSION -> true;
				default -> false;
			};
		}
		return command instanceof VersionCommand;
	}

}
