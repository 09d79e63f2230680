package io.github.memcachedserver.protocol;

import java.util.List;

import io.github.memcachedserver.protocol.binary.BinaryCommandDecoder;
import io.github.memcachedserver.protocol.binary.Opcodes;
import io.github.memcachedserver.protocol.text.TextCommandDecoder;
import io.github.memcachedserver.protocol.text.TextProtocolLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Picks a connection's protocol from its first byte, as memcached does: 0x80 starts the
 * binary protocol, anything else the text (and meta) protocol. It then puts the chosen
 * decoder in its place and hands it the bytes read so far.
 *
 * @since 0.1.0
 */
public final class ProtocolDetector extends ByteToMessageDecoder {

	/** The name the decoder that replaces this detector takes in the pipeline. */
	public static final String DECODER_NAME = "memcached-decoder";

	private final TextProtocolLimits limits;

	/**
	 * Creates a detector for one connection.
	 * @param limits the limits for whichever decoder is chosen
	 */
	public ProtocolDetector(TextProtocolLimits limits) {
		this.limits = limits;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (!in.isReadable()) {
			return;
		}
		boolean binary = (in.getByte(in.readerIndex()) & 0xff) == Opcodes.REQUEST_MAGIC;
		ByteToMessageDecoder decoder = binary ? new BinaryCommandDecoder(this.limits.maxItemSize())
				: new TextCommandDecoder(this.limits);
		ctx.pipeline().addAfter(ctx.name(), DECODER_NAME, decoder);
		// hand the chosen decoder everything read so far, then step aside
		ctx.fireChannelRead(in.readRetainedSlice(in.readableBytes()));
		ctx.pipeline().remove(this);
	}

}
