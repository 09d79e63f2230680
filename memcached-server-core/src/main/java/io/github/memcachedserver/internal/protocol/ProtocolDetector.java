package io.github.memcachedserver.internal.protocol;

import java.util.concurrent.atomic.LongAdder;

import io.github.memcachedserver.internal.protocol.binary.BinaryCommandDecoder;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.internal.protocol.text.TextCommandDecoder;
import io.github.memcachedserver.internal.protocol.text.TextProtocolLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Picks a connection's protocol from its first byte, as memcached does: 0x80 starts the
 * binary protocol, anything else the text (and meta) protocol. It puts the chosen decoder in
 * its place and hands it the first bytes.
 *
 * @since 0.1.0
 */
public final class ProtocolDetector extends ChannelInboundHandlerAdapter {

	/** The name the decoder that replaces this detector takes in the pipeline. */
	public static final String DECODER_NAME = "memcached-decoder";

	private final TextProtocolLimits limits;

	private final boolean sasl;

	private final PendingValues pendingValues;

	private final LongAdder bytesRead;

	/**
	 * Creates a detector for one connection.
	 * @param limits the limits for whichever decoder is chosen
	 * @param sasl whether a binary connection may use SASL (authentication is on)
	 * @param pendingValues the server-wide budget for values still arriving
	 * @param bytesRead the server-wide count of bytes received, which the decoder adds to
	 */
	public ProtocolDetector(TextProtocolLimits limits, boolean sasl, PendingValues pendingValues,
			LongAdder bytesRead) {
		this.limits = limits;
		this.sasl = sasl;
		this.pendingValues = pendingValues;
		this.bytesRead = bytesRead;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object message) {
		if (message instanceof ByteBuf bytes && bytes.isReadable()) {
			boolean binary = (bytes.getByte(bytes.readerIndex()) & 0xff) == Opcodes.REQUEST_MAGIC;
			ChannelHandler decoder = binary
					? new BinaryCommandDecoder(this.limits.maxItemSize(), this.sasl, this.pendingValues, this.bytesRead)
					: new TextCommandDecoder(this.limits, this.pendingValues, this.bytesRead);
			ctx.pipeline().addAfter(ctx.name(), DECODER_NAME, decoder);
			ctx.pipeline().remove(this);
		}
		ctx.fireChannelRead(message);
	}

}
