package io.github.memcachedserver.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Passes a mark on behind the commands decoded from one read of the socket, so that the
 * answers gathered while they ran ({@link ReplyBatch}) leave together once they all have.
 */
final class ReadCompleteMarker extends ChannelInboundHandlerAdapter {

	static final String NAME = "memcached-read-complete";

	/** The mark, travelling with the decoded commands. */
	static final Object READ_COMPLETE = new Object();

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		ctx.fireChannelRead(READ_COMPLETE);
		ctx.fireChannelReadComplete();
	}

}
