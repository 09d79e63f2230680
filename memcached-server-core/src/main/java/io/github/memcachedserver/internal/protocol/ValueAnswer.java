package io.github.memcachedserver.internal.protocol;

import io.github.memcachedserver.internal.LentItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Builds an answer that carries a value, for every protocol: the protocol's head (a
 * {@code VALUE} or {@code VA} line, a binary header), the value, then the protocol's tail.
 * A value the store lends (a buffer over its own memory) is joined to the answer rather
 * than copied, so it leaves for the socket without passing through the heap; a small or
 * heap value is copied into the head's buffer, which the connection gathers anyway.
 * <p>
 * The answer takes over the value's reference in every case: a lent value's memory is
 * given back to the store once the answer is written (or dropped with its connection).
 *
 * @since 0.1.0
 */
public final class ValueAnswer {

	private ValueAnswer() {
	}

	/**
	 * Starts an answer: a buffer for its head, with room for the value and the tail when
	 * they will be copied into it.
	 * @param allocator the allocator
	 * @param headSize about how many bytes the head takes
	 * @param value the value the answer will carry
	 * @param tail what follows the value
	 * @return the buffer to write the head into, then to pass to {@link #finish}
	 */
	public static ByteBuf start(ByteBufAllocator allocator, int headSize, ByteBuf value, ByteBuf tail) {
		if (copies(value)) {
			return allocator.buffer(headSize + value.readableBytes() + tail.readableBytes());
		}
		// every part direct, as the lent value is: a composite with a heap part would be copied
		// whole into a new direct buffer by the channel before it is written
		return allocator.directBuffer(headSize);
	}

	/**
	 * Finishes an answer whose head is written: appends the value and the tail.
	 * @param head the buffer from {@link #start}, its head written
	 * @param value the value (its reference is taken over)
	 * @param tail what follows the value, shared and read-only (not released)
	 * @return the answer
	 */
	public static ByteBuf finish(ByteBuf head, ByteBuf value, ByteBuf tail) {
		if (copies(value)) {
			try {
				append(head, value);
				append(head, tail);
				return head;
			}
			finally {
				value.release();
			}
		}
		CompositeByteBuf answer = head.alloc().compositeDirectBuffer(3).addComponents(true, head, value);
		return tail.isReadable() ? answer.addComponent(true, tail.duplicate()) : answer;
	}

	/**
	 * Copies a part's bytes to the end of the answer from its array or by address: Netty's
	 * copy from a buffer of another kind makes NIO views of both buffers each time.
	 */
	private static void append(ByteBuf answer, ByteBuf part) {
		int length = part.readableBytes();
		if (part.hasArray()) {
			answer.writeBytes(part.array(), part.arrayOffset() + part.readerIndex(), length);
		}
		else {
			answer.ensureWritable(length);
			part.getBytes(part.readerIndex(), answer, answer.writerIndex(), length);
			answer.writerIndex(answer.writerIndex() + length);
		}
	}

	private static boolean copies(ByteBuf value) {
		return value.readableBytes() <= LentItem.LARGEST_COPIED_VALUE || !value.isDirect();
	}

}
