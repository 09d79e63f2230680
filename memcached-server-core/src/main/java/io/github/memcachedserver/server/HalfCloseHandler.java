package io.github.memcachedserver.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;

/**
 * Answers every command a client sent before it shut down its sending side, as memcached
 * does: the channel stays open when the input ends ({@link ChannelOption#ALLOW_HALF_CLOSURE}),
 * and the end of input travels behind the last decoded command to the {@link CommandQueue},
 * which closes the connection once all earlier answers are written. Without it, Netty would
 * close the channel at the end of input and drop answers still queued. On Netty's epoll transport
 * (4.2.15 to at least 4.2.20) answers that have to wait for the socket after the end of input
 * can still be lost: Netty drops the socket from epoll once it waits for nothing, and fails
 * to add it back (see {@code HostileInputIntegrationTests#aHalfClosedPipelineGetsEveryAnswer}).
 * <p>
 * Read requests after the end of input (or the close) go no further: the receiving side may
 * still ask for more once the connection has ended, and the epoll transport would fail (and
 * reactor-netty log) on such a read. The decoder hands on everything it could decode before
 * it passes the end of input along.
 */
final class HalfCloseHandler extends ChannelDuplexHandler {

	static final String NAME = "memcached-half-close";

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
	}

	@Override
	public void read(ChannelHandlerContext ctx) {
		Channel channel = ctx.channel();
		if (channel.isActive() && !(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
			ctx.read();
		}
	}

}
