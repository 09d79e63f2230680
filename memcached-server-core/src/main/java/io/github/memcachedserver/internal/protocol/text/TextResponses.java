package io.github.memcachedserver.internal.protocol.text;

import java.nio.charset.StandardCharsets;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.internal.LentItem;
import io.github.memcachedserver.internal.protocol.ValueAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * Writes memcached's text-protocol answers. The fixed replies are encoded once and shared
 * read-only, so answering {@code STORED} allocates nothing.
 *
 * @since 0.1.0
 */
public final class TextResponses {

	private static final ByteBuf STORED = constant("STORED\r\n");

	private static final ByteBuf NOT_STORED = constant("NOT_STORED\r\n");

	private static final ByteBuf EXISTS = constant("EXISTS\r\n");

	private static final ByteBuf NOT_FOUND = constant("NOT_FOUND\r\n");

	private static final ByteBuf DELETED = constant("DELETED\r\n");

	private static final ByteBuf TOUCHED = constant("TOUCHED\r\n");

	private static final ByteBuf OK = constant("OK\r\n");

	private static final ByteBuf END = constant("END\r\n");

	private static final ByteBuf RESET = constant("RESET\r\n");

	private static final ByteBuf TOO_MANY_CONNECTIONS = constant("ERROR Too many open connections\r\n");

	private static final byte[] VALUE = ascii("VALUE ");

	private static final byte[] CRLF = ascii("\r\n");

	private static final ByteBuf CRLF_END = constant("\r\nEND\r\n");

	private static final ByteBuf CRLF_ONLY = constant("\r\n");

	private TextResponses() {
	}

	/**
	 * Returns the answer to a storage command.
	 * @param result the outcome
	 * @return the response bytes
	 */
	public static ByteBuf storeResult(StoreResult result) {
		return switch (result.status()) {
			case STORED -> STORED.duplicate();
			case NOT_STORED -> NOT_STORED.duplicate();
			case EXISTS -> EXISTS.duplicate();
			case NOT_FOUND -> NOT_FOUND.duplicate();
		};
	}

	/** @return {@code DELETED} */
	public static ByteBuf deleted() {
		return DELETED.duplicate();
	}

	/** @return {@code NOT_FOUND} */
	public static ByteBuf notFound() {
		return NOT_FOUND.duplicate();
	}

	/** @return {@code TOUCHED} */
	public static ByteBuf touched() {
		return TOUCHED.duplicate();
	}

	/** @return {@code OK} */
	public static ByteBuf ok() {
		return OK.duplicate();
	}

	/** @return {@code RESET} */
	public static ByteBuf reset() {
		return RESET.duplicate();
	}

	/** @return memcached's answer to a client over the connection limit */
	public static ByteBuf tooManyConnections() {
		return TOO_MANY_CONNECTIONS.duplicate();
	}

	/** @return {@code END} */
	public static ByteBuf end() {
		return END.duplicate();
	}

	/**
	 * Writes one line followed by "\r\n".
	 * @param allocator the allocator
	 * @param line the line, in ASCII
	 * @return the response bytes
	 */
	public static ByteBuf line(ByteBufAllocator allocator, String line) {
		ByteBuf buffer = allocator.buffer(line.length() + 2);
		buffer.writeCharSequence(line, StandardCharsets.ISO_8859_1);
		buffer.writeBytes(CRLF);
		return buffer;
	}

	/**
	 * Writes the unsigned decimal result of {@code incr} or {@code decr}.
	 * @param allocator the allocator
	 * @param value the unsigned value
	 * @return the response bytes
	 */
	public static ByteBuf number(ByteBufAllocator allocator, long value) {
		ByteBuf buffer = allocator.buffer(22);
		AsciiDecimal.writeUnsigned(buffer, value);
		return buffer.writeBytes(CRLF);
	}

	/**
	 * Writes the answer to a one-key retrieval: its {@code VALUE} block if it hit, then
	 * {@code END}.
	 * @param allocator the allocator
	 * @param key the key
	 * @param item the item, {@code null} for a miss
	 * @param withCas whether to write the CAS unique ({@code gets}, {@code gats})
	 * @return the response bytes
	 */
	public static ByteBuf value(ByteBufAllocator allocator, Key key, @Nullable Item item, boolean withCas) {
		return (item != null) ? value(allocator, key, LentItem.of(item), withCas) : end();
	}

	/**
	 * Writes one {@code VALUE} block of a multi-key retrieval, which answers each hit in its
	 * own buffer so that a large answer never has to sit in memory whole.
	 * @param allocator the allocator
	 * @param key the key
	 * @param item the item
	 * @param withCas whether to write the CAS unique ({@code gets}, {@code gats})
	 * @return the response bytes
	 */
	public static ByteBuf valueBlock(ByteBufAllocator allocator, Key key, Item item, boolean withCas) {
		return valueBlock(allocator, key, LentItem.of(item), withCas);
	}

	/**
	 * Writes the answer to a single-key retrieval of a value the store lends: a large value
	 * is not copied but joined to the answer, which takes over the item's reference (and
	 * releases it once written).
	 * @param allocator the allocator
	 * @param key the key
	 * @param item the item
	 * @param withCas whether to write the CAS unique ({@code gets}, {@code gats})
	 * @return the response bytes
	 */
	public static ByteBuf value(ByteBufAllocator allocator, Key key, LentItem item, boolean withCas) {
		return lentValue(allocator, key, item, withCas, CRLF_END);
	}

	/**
	 * Writes one {@code VALUE} block of a multi-key retrieval of a value the store lends, as
	 * {@link #value(ByteBufAllocator, Key, LentItem, boolean)} writes a whole answer.
	 * @param allocator the allocator
	 * @param key the key
	 * @param item the item
	 * @param withCas whether to write the CAS unique ({@code gets}, {@code gats})
	 * @return the response bytes
	 */
	public static ByteBuf valueBlock(ByteBufAllocator allocator, Key key, LentItem item, boolean withCas) {
		return lentValue(allocator, key, item, withCas, CRLF_ONLY);
	}

	private static ByteBuf lentValue(ByteBufAllocator allocator, Key key, LentItem item, boolean withCas, ByteBuf tail) {
		ByteBuf value = item.value();
		ByteBuf answer = ValueAnswer.start(allocator, VALUE.length + key.length() + 48, value, tail);
		writeValueLine(answer, key, item.flags(), value.readableBytes(), withCas, item.cas());
		return ValueAnswer.finish(answer, value, tail);
	}

	/** {@code VALUE <key> <flags> <bytes> [<cas unique>]\r\n}. */
	private static void writeValueLine(ByteBuf buffer, Key key, int flags, int length, boolean withCas, long cas) {
		buffer.writeBytes(VALUE);
		buffer.writeBytes(key.unsafeBytes());
		buffer.writeByte(' ');
		AsciiDecimal.write(buffer, Integer.toUnsignedLong(flags));
		buffer.writeByte(' ');
		AsciiDecimal.write(buffer, length);
		if (withCas) {
			buffer.writeByte(' ');
			AsciiDecimal.writeUnsigned(buffer, cas);
		}
		buffer.writeBytes(CRLF);
	}

	/**
	 * A shared answer part, read-only. Direct, so that an answer made of it alone goes to the
	 * socket as it is, and a lent value's answer, direct throughout, is not copied whole
	 * ({@link ValueAnswer}).
	 */
	static ByteBuf constant(String text) {
		byte[] bytes = ascii(text);
		return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes).asReadOnly());
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
