package io.github.memcachedserver.internal.protocol.text;

import java.util.Base64;
import java.util.List;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.internal.LentMetaResult;
import io.github.memcachedserver.internal.protocol.ValueAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * Writes the answers of meta commands: a two-letter code, then the flags the client asked
 * for in the order it asked (protocol.txt, "Meta Commands"), then the data block if any.
 * Quiet mode ({@code q}) drops the nominal answers: {@code EN} for {@code mg}, {@code HD}
 * for {@code ms}, {@code md} and {@code ma}.
 *
 * @since 0.1.0
 */
public final class MetaResponses {

	private static final byte[] CRLF = { '\r', '\n' };

	/** Direct, as the lent values it follows: see {@link ValueAnswer}. */
	private static final ByteBuf VALUE_END = TextResponses.constant("\r\n");

	private static final byte[] VA = TextResponses.ascii("VA ");

	private static final byte[] HD = TextResponses.ascii("HD");

	private static final byte[] EN = TextResponses.ascii("EN");

	private static final byte[] NF = TextResponses.ascii("NF");

	private static final byte[] NS = TextResponses.ascii("NS");

	private static final byte[] EX = TextResponses.ascii("EX");

	// answers that echo no flag are the same bytes every time: shared, never allocated
	private static final ByteBuf HD_LINE = TextResponses.constant("HD\r\n");

	private static final ByteBuf EN_LINE = TextResponses.constant("EN\r\n");

	private static final ByteBuf NF_LINE = TextResponses.constant("NF\r\n");

	private static final ByteBuf NS_LINE = TextResponses.constant("NS\r\n");

	private static final ByteBuf EX_LINE = TextResponses.constant("EX\r\n");

	private static final ByteBuf MN_LINE = TextResponses.constant("MN\r\n");

	private MetaResponses() {
	}

	/**
	 * Returns the answer to {@code mn}.
	 * @return {@code MN}
	 */
	public static ByteBuf noop() {
		return MN_LINE.duplicate();
	}

	/**
	 * Writes the answer to a meta command.
	 * @param allocator the allocator
	 * @param command the command
	 * @param result what it found or did
	 * @return the answer, or {@code null} when quiet mode suppresses it
	 */
	public static @Nullable ByteBuf encode(ByteBufAllocator allocator, MetaCommand command, MetaResult result) {
		if (!answers(command, result)) {
			return null;
		}
		if (isBareStatus(command, result)) {
			return line(result.status());
		}
		ByteBuf out = allocator.buffer(sizeHint(command, result));
		write(out, command, result);
		return out;
	}

	/**
	 * Writes the answer to an {@code mg} whose value the store lends: the value is joined to
	 * the answer, which takes over its reference, or released when the answer does not send it.
	 * @param allocator the allocator
	 * @param command the {@code mg} command
	 * @param found what it found, its value lent
	 * @return the answer, or {@code null} when quiet mode suppresses it
	 */
	public static @Nullable ByteBuf encode(ByteBufAllocator allocator, MetaCommand command, LentMetaResult found) {
		MetaResult result = found.result();
		ByteBuf value = found.value();
		if (value == null) {
			return encode(allocator, command, result);
		}
		// a hit: always answered, quiet or not
		if (command.flags().opaqueTooLong() || !sendsValue(command, result, true)) {
			int length = value.readableBytes();
			value.release();
			ByteBuf out = allocator.buffer(64 + command.key().length());
			if (command.flags().opaqueTooLong()) {
				write(out, command, result);
			}
			else {
				getLine(out, command, result, length, false);
			}
			return out;
		}
		ByteBuf answer = ValueAnswer.start(allocator, 64 + command.key().length(), value, VALUE_END);
		getLine(answer, command, result, value.readableBytes(), true);
		return ValueAnswer.finish(answer, value, VALUE_END);
	}

	/**
	 * Tells whether a meta command has an answer: quiet mode suppresses the nominal ones.
	 * @param command the command
	 * @param result what it found or did
	 * @return whether there is an answer to write
	 */
	public static boolean answers(MetaCommand command, MetaResult result) {
		if (command.flags().opaqueTooLong()) {
			return true;
		}
		boolean nominal = (command.code() == 'g') ? result.status() == MetaResult.Status.MISS
				: result.status().succeeded();
		return !(command.flags().quiet() && nominal && command.code() != 'e');
	}

	/**
	 * Returns about how many bytes the answer takes, to size a buffer for it.
	 * @param command the command
	 * @param result what it found or did
	 * @return the expected size in bytes
	 */
	public static int sizeHint(MetaCommand command, MetaResult result) {
		byte[] value = result.value();
		return 64 + ((value != null && command.code() == 'g') ? value.length : 0);
	}

	/**
	 * Writes the answer to a meta command that has one ({@link #answers}) at the end of a buffer.
	 * @param out the buffer
	 * @param command the command
	 * @param result what it found or did
	 */
	public static void write(ByteBuf out, MetaCommand command, MetaResult result) {
		if (command.flags().opaqueTooLong()) {
			// memcached finds an over-long opaque of mg and ma only while answering, after acting
			ByteBufUtil.writeAscii(out, MetaCommandParser.OPAQUE_TOO_LONG);
			out.writeBytes(CRLF);
			return;
		}
		switch (command.code()) {
			case 'g' -> get(out, command, result);
			case 'a' -> arithmetic(out, command, result);
			case 'e' -> debug(out, command, result);
			default -> status(out, command, result);
		}
	}

	/** Whether the answer is a code alone: the same bytes every time, shared rather than allocated. */
	private static boolean isBareStatus(MetaCommand command, MetaResult result) {
		char code = command.code();
		if (code == 'e' || command.flags().opaqueTooLong()) {
			return false;
		}
		boolean withData = (code == 'g' || code == 'a') && result.status().succeeded();
		return !withData && !echoesAny(command, command.flags().tokens());
	}

	private static void get(ByteBuf out, MetaCommand command, MetaResult result) {
		if (result.status() != MetaResult.Status.HIT) {
			status(out, command, result);
			return;
		}
		byte[] value = result.value();
		boolean sendValue = sendsValue(command, result, value != null);
		getLine(out, command, result, (value != null) ? value.length : 0, sendValue);
		if (sendValue) {
			out.writeBytes(value).writeBytes(CRLF);
		}
	}

	/** mg C (protocol.txt): an unchanged item is answered without its value. */
	private static boolean sendsValue(MetaCommand command, MetaResult result, boolean hasValue) {
		MetaFlags flags = command.flags();
		return flags.returnValue() && hasValue && (flags.compareCas() == null || flags.compareCas() != result.cas());
	}

	/** Writes the line of an {@code mg} hit: {@code VA <length>} or {@code HD}, then the flags asked for. */
	private static void getLine(ByteBuf out, MetaCommand command, MetaResult result, int valueLength,
			boolean sendValue) {
		if (sendValue) {
			out.writeBytes(VA);
			AsciiDecimal.write(out, valueLength);
		}
		else {
			out.writeBytes(HD);
		}
		List<byte[]> tokens = command.flags().tokens();
		for (int i = 0; i < tokens.size(); i++) {
			byte[] token = tokens.get(i);
			switch (token[0]) {
				case 's' -> number(out, 's', valueLength);
				case 't' -> number(out, 't', result.ttl());
				case 'c' -> unsignedNumber(out, 'c', result.cas());
				case 'f' -> number(out, 'f', Integer.toUnsignedLong(result.clientFlags()));
				case 'l' -> number(out, 'l', result.secondsSinceAccess());
				case 'h' -> number(out, 'h', result.fetchedBefore() ? 1 : 0);
				case 'O' -> out.writeByte(' ').writeBytes(token);
				case 'k' -> key(out, command, result.binaryKey());
				default -> {
				}
			}
		}
		if (result.tokenSent()) {
			out.writeByte(' ').writeByte('Z');
		}
		if (result.stale()) {
			out.writeByte(' ').writeByte('X');
		}
		if (result.won()) {
			out.writeByte(' ').writeByte('W');
		}
		out.writeBytes(CRLF);
	}

	/**
	 * Writes a code and the flags it echoes: {@code O} and {@code k}, and for {@code ms}
	 * also {@code c} and {@code s}.
	 */
	private static void status(ByteBuf out, MetaCommand command, MetaResult result) {
		List<byte[]> tokens = command.flags().tokens();
		out.writeBytes(code(result.status()));
		boolean stored = result.status().succeeded();
		for (int i = 0; i < tokens.size(); i++) {
			byte[] token = tokens.get(i);
			if (!echoes(command, token[0])) {
				continue;
			}
			switch (token[0]) {
				case 'O' -> out.writeByte(' ').writeBytes(token);
				case 'k' -> key(out, command);
				case 'c' -> unsignedNumber(out, 'c', stored ? result.cas() : 0);
				case 's' -> {
					byte[] value = stored ? result.value() : command.value();
					number(out, 's', (value != null) ? value.length : 0);
				}
				default -> {
				}
			}
		}
		out.writeBytes(CRLF);
	}

	private static boolean echoesAny(MetaCommand command, List<byte[]> tokens) {
		for (int i = 0; i < tokens.size(); i++) {
			if (echoes(command, tokens.get(i)[0])) {
				return true;
			}
		}
		return false;
	}

	private static boolean echoes(MetaCommand command, byte flag) {
		return flag == 'O' || flag == 'k' || (command.code() == 's' && (flag == 'c' || flag == 's'));
	}

	private static void arithmetic(ByteBuf out, MetaCommand command, MetaResult result) {
		if (!result.status().succeeded()) {
			status(out, command, result);
			return;
		}
		MetaFlags flags = command.flags();
		byte[] number = result.value();
		if (flags.returnValue()) {
			out.writeBytes(VA);
			AsciiDecimal.write(out, number.length);
		}
		else {
			out.writeBytes(HD);
		}
		List<byte[]> tokens = flags.tokens();
		for (int i = 0; i < tokens.size(); i++) {
			byte[] token = tokens.get(i);
			switch (token[0]) {
				case 'c' -> unsignedNumber(out, 'c', result.cas());
				case 't' -> number(out, 't', result.ttl());
				case 'O' -> out.writeByte(' ').writeBytes(token);
				case 'k' -> key(out, command);
				default -> {
				}
			}
		}
		if (flags.returnValue()) {
			out.writeBytes(CRLF).writeBytes(number);
		}
		out.writeBytes(CRLF);
	}

	private static void debug(ByteBuf out, MetaCommand command, MetaResult result) {
		if (result.status() != MetaResult.Status.HIT) {
			out.writeBytes(EN).writeBytes(CRLF);
			return;
		}
		ByteBufUtil.writeAscii(out, "ME ");
		out.writeBytes(keyBytes(command, result.binaryKey()));
		// memcached 1.6.18 writes the seconds left negated (fixed in 1.6.24)
		ByteBufUtil.writeAscii(out, " exp=");
		AsciiDecimal.write(out, (result.ttl() == -1) ? -1 : -result.ttl());
		ByteBufUtil.writeAscii(out, " la=");
		AsciiDecimal.write(out, result.secondsSinceAccess());
		ByteBufUtil.writeAscii(out, " cas=");
		AsciiDecimal.writeUnsigned(out, result.cas());
		ByteBufUtil.writeAscii(out, result.fetchedBefore() ? " fetch=yes" : " fetch=no");
		ByteBufUtil.writeAscii(out, " cls=");
		AsciiDecimal.write(out, SlabClass.of(result.size()));
		ByteBufUtil.writeAscii(out, " size=");
		AsciiDecimal.write(out, result.size());
		out.writeBytes(CRLF);
	}

	private static void key(ByteBuf out, MetaCommand command) {
		key(out, command, command.flags().base64Key());
	}

	/**
	 * Writes {@code k<key>}, base64-encoded with a {@code b} after it when the key is binary:
	 * for a hit memcached goes by how the item was stored, otherwise by the request.
	 */
	private static void key(ByteBuf out, MetaCommand command, boolean binary) {
		out.writeByte(' ').writeByte('k').writeBytes(keyBytes(command, binary));
		if (binary) {
			out.writeByte(' ').writeByte('b');
		}
	}

	private static byte[] keyBytes(MetaCommand command, boolean binary) {
		byte[] key = command.key().unsafeBytes();
		return binary ? Base64.getEncoder().encode(key) : key;
	}

	private static void number(ByteBuf out, char flag, long value) {
		out.writeByte(' ').writeByte(flag);
		AsciiDecimal.write(out, value);
	}

	private static void unsignedNumber(ByteBuf out, char flag, long value) {
		out.writeByte(' ').writeByte(flag);
		AsciiDecimal.writeUnsigned(out, value);
	}

	private static byte[] code(MetaResult.Status status) {
		return switch (status) {
			case HIT, CREATED -> HD;
			case MISS -> EN;
			case NOT_FOUND -> NF;
			case NOT_STORED -> NS;
			case EXISTS -> EX;
		};
	}

	private static ByteBuf line(MetaResult.Status status) {
		ByteBuf line = switch (status) {
			case HIT, CREATED -> HD_LINE;
			case MISS -> EN_LINE;
			case NOT_FOUND -> NF_LINE;
			case NOT_STORED -> NS_LINE;
			case EXISTS -> EX_LINE;
		};
		return line.duplicate();
	}

}
