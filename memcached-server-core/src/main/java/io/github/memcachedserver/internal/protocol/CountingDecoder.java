package io.github.memcachedserver.internal.protocol;

import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * A command decoder that counts the bytes it receives, for {@code bytes_read}. The decoder
 * counts them itself rather than a handler in front of it: with a thousand connections taking
 * turns, every handler a read passes is one more of the connection's objects to bring back
 * into the cache.
 *
 * @since 0.1.0
 */
public abstract class CountingDecoder extends ByteToMessageDecoder {

	private final LongAdder bytesRead;

	/**
	 * Creates a decoder that adds what it receives to a count.
	 * @param bytesRead the count (server-wide)
	 */
	protected CountingDecoder(LongAdder bytesRead) {
		this.bytesRead = bytesRead;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
		if (message instanceof ByteBuf bytes) {
			this.bytesRead.add(bytes.readableBytes());
		}
		super.channelRead(ctx, message);
	}

}
