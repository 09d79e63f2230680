package io.github.memcachedserver.internal.protocol;

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

}
