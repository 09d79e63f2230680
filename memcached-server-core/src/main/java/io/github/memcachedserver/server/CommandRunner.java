package io.github.memcachedserver.server;

import io.github.memcachedserver.command.MemcachedCommand;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.reactivestreams.Publisher;

/**
 * What a connection's {@link CommandQueue} asks of the server. One serves every connection, and
 * the queue passes its connection along: with a thousand connections taking turns, an object of
 * each connection's own on every command's path (a capturing lambda) is one more cache miss.
 */
interface CommandRunner {

	/**
	 * Starts a command.
	 * @param command the command
	 * @param connection the connection it came on
	 * @param allocator the connection's allocator, for its answer
	 * @return its answer: empty for none, a scalar publisher when the answer is there at once
	 */
	Publisher<ByteBuf> run(MemcachedCommand command, ClientConnection connection, ByteBufAllocator allocator);

	/**
	 * Called once the commands that could start together have started (at the end of a socket
	 * read, or after a command finished): batched reads go out then.
	 * @param connection the connection whose commands started
	 */
	void startedTogether(ClientConnection connection);

	/**
	 * Tells whether a command ends the connection once answered.
	 * @param command the command
	 * @return whether it does
	 */
	boolean endsConnection(MemcachedCommand command);

}
