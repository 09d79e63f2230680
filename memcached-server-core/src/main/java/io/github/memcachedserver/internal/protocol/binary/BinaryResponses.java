package io.github.memcachedserver.internal.protocol.binary;

import java.nio.charset.StandardCharsets;

import io.github.memcachedserver.internal.LentItem;
import io.github.memcachedserver.internal.protocol.ValueAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Writes binary-protocol response packets: the 24-byte header, then extras, key and value.
 *
 * @since 0.1.0
 */
public final class BinaryResponses {

	private static final int HEADER_LENGTH = 24;

	/** A get's extras: the client flags. */
	private static final int FLAGS_LENGTH = 4;

	/** A binary value is the packet's last part. */
	private static final ByteBuf NO_TAIL = Unpooled.EMPTY_BUFFER;

	private BinaryResponses() {
	}

	/**
	 * Starts a response, writing its header into a buffer sized for the whole packet.
	 * @param allocator the allocator
	 * @param request the request answered
	 * @param status the status
	 * @param extrasLength the extras that follow
	 * @param keyLength the key bytes that follow
	 * @param valueLength the value bytes that follow
	 * @param cas the CAS unique to report
	 * @return the buffer, positioned after the header
	 */
	public static ByteBuf start(ByteBufAllocator allocator, BinaryRequest request, int status, int extrasLength,
			int keyLength, int valueLength, long cas) {
		return header(allocator, request.opcode(), request.opaque(), status, extrasLength, keyLength, valueLength, cas);
	}

	/**
	 * Writes the answer to a get that hit: the client flags as extras, the key if asked for,
	 * then the value, which the answer takes over (a lent value is joined, not copied: see
	 * {@link ValueAnswer}).
	 * @param allocator the allocator
	 * @param request the request answered
	 * @param item the item, its value to send (empty for a touch)
	 * @param key the key to send, empty for none
	 * @return the packet
	 */
	public static ByteBuf value(ByteBufAllocator allocator, BinaryRequest request, LentItem item, byte[] key) {
		ByteBuf value = item.value();
		ByteBuf answer = ValueAnswer.start(allocator, HEADER_LENGTH + FLAGS_LENGTH + key.length, value, NO_TAIL);
		writeHeader(answer, request.opcode(), request.opaque(), Opcodes.STATUS_OK, FLAGS_LENGTH, key.length,
				value.readableBytes(), item.cas());
		answer.writeInt(item.flags()).writeBytes(key);
		return ValueAnswer.finish(answer, value, NO_TAIL);
	}

	/**
	 * Writes an answer with no body.
	 * @param allocator the allocator
	 * @param request the request answered
	 * @param cas the CAS unique to report
	 * @return the packet
	 */
	public static ByteBuf success(ByteBufAllocator allocator, BinaryRequest request, long cas) {
		return start(allocator, request, Opcodes.STATUS_OK, 0, 0, 0, cas);
	}

	/**
	 * Writes an error answer with memcached's text for the status.
	 * @param allocator the allocator
	 * @param opcode the opcode of the request
	 * @param opaque the opaque of the request
	 * @param status the error status
	 * @return the packet
	 */
	public static ByteBuf error(ByteBufAllocator allocator, int opcode, int opaque, int status) {
		return error(allocator, opcode, opaque, status, Opcodes.errorText(status));
	}

	/**
	 * Writes an error answer with the given text.
	 * @param allocator the allocator
	 * @param opcode the opcode of the request
	 * @param opaque the opaque of the request
	 * @param status the error status
	 * @param text the body
	 * @return the packet
	 */
	public static ByteBuf error(ByteBufAllocator allocator, int opcode, int opaque, int status, String text) {
		byte[] body = text.getBytes(StandardCharsets.UTF_8);
		return header(allocator, opcode, opaque, status, 0, 0, body.length, 0).writeBytes(body);
	}

	/**
	 * Writes one statistic packet of a {@code stat} answer; an empty name ends the answer.
	 * @param out the buffer to append to
	 * @param request the request answered
	 * @param name the statistic's name
	 * @param value its value, one character per byte (key prefixes may hold any byte)
	 */
	public static void stat(ByteBuf out, BinaryRequest request, String name, String value) {
		byte[] key = name.getBytes(StandardCharsets.US_ASCII);
		byte[] body = value.getBytes(StandardCharsets.ISO_8859_1);
		writeHeader(out, request.opcode(), request.opaque(), Opcodes.STATUS_OK, 0, key.length, body.length, 0);
		out.writeBytes(key).writeBytes(body);
	}

	private static ByteBuf header(ByteBufAllocator allocator, int opcode, int opaque, int status, int extrasLength,
			int keyLength, int valueLength, long cas) {
		ByteBuf out = allocator.buffer(HEADER_LENGTH + extrasLength + keyLength + valueLength);
		writeHeader(out, opcode, opaque, status, extrasLength, keyLength, valueLength, cas);
		return out;
	}

	private static void writeHeader(ByteBuf out, int opcode, int opaque, int status, int extrasLength, int keyLength,
			int valueLength, long cas) {
		out.writeByte(Opcodes.RESPONSE_MAGIC);
		out.writeByte(opcode);
		out.writeShort(keyLength);
		out.writeByte(extrasLength);
		out.writeByte(0);
		out.writeShort(status);
		out.writeInt(extrasLength + keyLength + valueLength);
		out.writeInt(opaque);
		out.writeLong(cas);
	}

}
