package io.github.memcachedserver.internal.protocol;

import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * The base of the protocol decoders: counts the bytes received, for {@code bytes_read}, and
 * follows where memcached writes the answers it has queued ({@link MemcachedReadBuffer}), so
 * that the queue holds back the same ones ({@link HeldAnswers}). The decoder counts bytes
 * itself rather than a handler in front of it: with a thousand connections taking turns, every
 * handler a read passes is one more of the connection's objects to bring back into the cache.
 *
 * @since 0.1.0
 */
public abstract class CommandDecoder extends ByteToMessageDecoder implements HeldAnswers {

	private final LongAdder bytesRead;

	private final MemcachedReadBuffer readBuffer;

	/**
	 * Whether a read ended inside the request body now arriving (a data block, bytes to
	 * discard): memcached reads the rest straight from the socket, writes once it has carried
	 * out the request, and starts a new buffer.
	 */
	private boolean waitedForBody;

	/**
	 * Creates a decoder that adds what it receives to a count.
	 * @param bytesRead the count (server-wide)
	 * @param readBuffer the connection's model of memcached's read buffer
	 */
	protected CommandDecoder(LongAdder bytesRead, MemcachedReadBuffer readBuffer) {
		this.bytesRead = bytesRead;
		this.readBuffer = readBuffer;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
		if (message instanceof ByteBuf bytes) {
			this.bytesRead.add(bytes.readableBytes());
		}
		super.channelRead(ctx, message);
	}

	/**
	 * The end of a socket read. Where it found nothing more, so would memcached's: inside a
	 * request's body it goes on waiting, its answers held; anywhere else it writes them and
	 * reads anew. Where the server stopped reading for a while (too many answers outstanding),
	 * the bytes after are already there for memcached, which goes on with its buffer; the
	 * answers held outside a body still leave, since the client may wait for them before it
	 * sends more.
	 */
	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		boolean drained = ctx.channel().config().isAutoRead();
		if (waitingForBody()) {
			this.waitedForBody |= drained;
		}
		else if (drained) {
			this.readBuffer.startOver();
		}
		else {
			this.readBuffer.written();
		}
		super.channelReadComplete(ctx);
	}

	/**
	 * The end of input. memcached meets it reading anew, after writing what it had, unless it
	 * was reading a request's body straight from the socket. Transports differ in whether the
	 * read before the end completes first (epoll) or not (io_uring), so the end says it too.
	 */
	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (event instanceof ChannelInputShutdownEvent && !waitingForBody()) {
			this.readBuffer.startOver();
		}
		super.userEventTriggered(ctx, event);
	}

	@Override
	public int heldAnswers() {
		// a connection that closes answers everything before its end
		return isClosed() ? 0 : this.readBuffer.unwritten();
	}

	/**
	 * A request has been decoded, with its body if it has one.
	 * @param commands how many commands it decoded to
	 * @param writesBack whether memcached writes its queued answers once it has answered it
	 */
	protected final void requestDone(int commands, boolean writesBack) {
		this.readBuffer.requestDone(commands, writesBack);
		if (this.waitedForBody) {
			this.waitedForBody = false;
			this.readBuffer.startOver();
		}
	}

	/**
	 * Returns the connection's model of memcached's read buffer.
	 * @return the buffer
	 */
	protected final MemcachedReadBuffer readBuffer() {
		return this.readBuffer;
	}

	/**
	 * Tells whether the decoder waits for the rest of a request's body.
	 * @return whether it waits for a data block or bytes to discard
	 */
	protected abstract boolean waitingForBody();

	/**
	 * Tells whether the decoder has stopped: the connection closes after what it decoded.
	 * @return whether it decodes nothing more
	 */
	protected abstract boolean isClosed();

}
