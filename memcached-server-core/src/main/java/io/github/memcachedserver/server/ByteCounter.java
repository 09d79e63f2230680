package io.github.memcachedserver.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes a connection reads and writes, for {@code bytes_read} and
 * {@code bytes_written}.
 */
final class ByteCounter extends ChannelDuplexHandler {

	private final ServerStatistics statistics;

	ByteCounter(ServerStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof ByteBuf buffer) {
			this.statistics.bytesRead.add(buffer.readableBytes());
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof ByteBuf buffer) {
			this.statistics.bytesWritten.add(buffer.readableBytes());
		}
		ctx.write(msg, promise);
	}

}
