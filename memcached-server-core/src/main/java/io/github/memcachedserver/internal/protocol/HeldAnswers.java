package io.github.memcachedserver.internal.protocol;

import io.github.memcachedserver.command.MemcachedCommand;
import io.netty.buffer.ByteBuf;

/**
 * A decoder that follows where memcached writes the answers it has queued, so that the server
 * holds back the same ones: memcached writes after some commands and when its read buffer runs
 * empty, not while it waits for the rest of a data block. A client that stops inside a data
 * block gets from memcached nothing since its last write, and nothing at all if it then closes.
 *
 * @since 0.1.0
 */
public interface HeldAnswers {

	/**
	 * How many of the commands decoded last have answers memcached would not have written yet:
	 * their answers wait until the decoder says otherwise, and are dropped if the input ends
	 * first. Asked on the channel's event loop.
	 * @return how many commands, counted back from the newest
	 */
	int heldAnswers();

	/**
	 * Tells whether memcached writes its queued answers once it has given this answer, where
	 * that depends on the answer (a binary error status), not on the command alone.
	 * @param command the command answered
	 * @param answer the answer's first part, not consumed
	 * @return whether the answers up to this one leave
	 */
	boolean writesBack(MemcachedCommand command, ByteBuf answer);

}
