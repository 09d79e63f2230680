package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the answers a connection keeps queued for a client that does not read them.
 * <p>
 * The channel turns unwritable once more than {@code maxOutboundBytes} wait to be sent (its
 * high water mark; writable again below half of it). While it is unwritable the connection
 * starts no further command ({@link CommandQueue}), so its decoded commands back up and the
 * server stops reading from the client: at most the cap plus one answer stay queued. A client
 * that takes none of the queued bytes for {@code stallTimeout} is disconnected.
 */
final class OutboundBacklogGuard extends ChannelInboundHandlerAdapter {

	static final String NAME = "memcached-outbound-guard";

	private static final Logger logger = LoggerFactory.getLogger(OutboundBacklogGuard.class);

	private final int maxOutboundBytes;

	private final long stallTimeoutNanos;

	private @Nullable ScheduledFuture<?> stallCheck;

	private long backlogAtLastCheck;

	OutboundBacklogGuard(int maxOutboundBytes, Duration stallTimeout) {
		this.maxOutboundBytes = maxOutboundBytes;
		this.stallTimeoutNanos = stallTimeout.toNanos();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		int low = Math.max(1, this.maxOutboundBytes / 2);
		ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(low, this.maxOutboundBytes));
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancelStallCheck();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		Channel channel = ctx.channel();
		if (channel.isWritable()) {
			cancelStallCheck();
		}
		else if (this.stallTimeoutNanos > 0 && this.stallCheck == null) {
			this.backlogAtLastCheck = channel.bytesBeforeWritable();
			this.stallCheck = ctx.executor().schedule(() -> checkStall(ctx), this.stallTimeoutNanos, TimeUnit.NANOSECONDS);
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancelStallCheck();
		ctx.fireChannelInactive();
	}

	private void checkStall(ChannelHandlerContext ctx) {
		this.stallCheck = null;
		Channel channel = ctx.channel();
		if (channel.isWritable() || !channel.isActive()) {
			return;
		}
		long backlog = channel.bytesBeforeWritable();
		if (backlog >= this.backlogAtLastCheck) {
			logger.warn("Closing connection from {}: the client took none of its {} queued answer bytes for {} ms",
					channel.remoteAddress(), backlog + (this.maxOutboundBytes / 2),
					TimeUnit.NANOSECONDS.toMillis(this.stallTimeoutNanos));
			channel.close();
			return;
		}
		// some bytes went out: a slow reader, not a stalled one; look again later
		this.backlogAtLastCheck = backlog;
		this.stallCheck = ctx.executor().schedule(() -> checkStall(ctx), this.stallTimeoutNanos, TimeUnit.NANOSECONDS);
	}

	private void cancelStallCheck() {
		ScheduledFuture<?> check = this.stallCheck;
		if (check != null) {
			this.stallCheck = null;
			check.cancel(false);
		}
	}

}
