package io.github.memcachedserver.protocol.text;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.handler.MetaResult;
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

	private MetaResponses() {
	}

	/**
	 * Writes the answer to {@code mn}.
	 * @param allocator the allocator
	 * @return {@code MN}
	 */
	public static ByteBuf noop(ByteBufAllocator allocator) {
		return TextResponses.line(allocator, "MN");
	}

	/**
	 * Writes the answer to a meta command.
	 * @param allocator the allocator
	 * @param command the command
	 * @param result what it found or did
	 * @return the answer, or {@code null} when quiet mode suppresses it
	 */
	public static @Nullable ByteBuf encode(ByteBufAllocator allocator, MetaCommand command, MetaResult result) {
		MetaFlags flags = command.flags();
		if (flags.opaqueTooLong()) {
			// memcached finds an over-long opaque of mg and ma only while answering, after acting
			return TextResponses.line(allocator, MetaCommandParser.OPAQUE_TOO_LONG);
		}
		boolean nominal = (command.code() == 'g') ? result.status() == MetaResult.Status.MISS
				: result.status() == MetaResult.Status.HIT;
		if (flags.quiet() && nominal && command.code() != 'e') {
			return null;
		}
		return switch (command.code()) {
			case 'g' -> get(allocator, command, result);
			case 'a' -> arithmetic(allocator, command, result);
			case 'e' -> debug(allocator, command, result);
			default -> status(allocator, command, result);
		};
	}

	private static ByteBuf get(ByteBufAllocator allocator, MetaCommand command, MetaResult result) {
		MetaFlags flags = command.flags();
		if (result.status() != MetaResult.Status.HIT) {
			ByteBuf out = allocator.buffer();
			out.writeBytes(code(result.status()));
			echo(out, command);
			return out.writeBytes(CRLF);
		}
		byte[] value = result.value();
		// mg C (protocol.txt): an unchanged item is answered without its value
		boolean sendValue = flags.returnValue() && value != null
				&& (flags.compareCas() == null || flags.compareCas() != result.cas());
		ByteBuf out = allocator.buffer(64 + ((value != null) ? value.length : 0));
		if (sendValue) {
			ByteBufUtil.writeAscii(out, "VA " + value.length);
		}
		else {
			ByteBufUtil.writeAscii(out, "HD");
		}
		for (byte[] token : flags.tokens()) {
			switch (token[0]) {
				case 's' -> number(out, 's', (value != null) ? value.length : 0);
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
			ByteBufUtil.writeAscii(out, " Z");
		}
		if (result.stale()) {
			ByteBufUtil.writeAscii(out, " X");
		}
		if (result.won()) {
			ByteBufUtil.writeAscii(out, " W");
		}
		out.writeBytes(CRLF);
		if (sendValue) {
			out.writeBytes(value).writeBytes(CRLF);
		}
		return out;
	}

	private static ByteBuf status(ByteBufAllocator allocator, MetaCommand command, MetaResult result) {
		ByteBuf out = allocator.buffer();
		out.writeBytes(code(result.status()));
		boolean stored = result.status() == MetaResult.Status.HIT;
		for (byte[] token : command.flags().tokens()) {
			switch (token[0]) {
				case 'O' -> out.writeByte(' ').writeBytes(token);
				case 'k' -> key(out, command);
				case 'c' -> {
					if (command.code() == 's') {
						unsignedNumber(out, 'c', stored ? result.cas() : 0);
					}
				}
				case 's' -> {
					if (command.code() == 's') {
						byte[] value = stored ? result.value() : command.value();
						number(out, 's', (value != null) ? value.length : 0);
					}
				}
				default -> {
				}
			}
		}
		return out.writeBytes(CRLF);
	}

	private static ByteBuf arithmetic(ByteBufAllocator allocator, MetaCommand command, MetaResult result) {
		if (result.status() != MetaResult.Status.HIT) {
			return status(allocator, command, result);
		}
		MetaFlags flags = command.flags();
		byte[] number = result.value();
		ByteBuf out = allocator.buffer();
		if (flags.returnValue()) {
			ByteBufUtil.writeAscii(out, "VA " + number.length);
		}
		else {
			ByteBufUtil.writeAscii(out, "HD");
		}
		for (byte[] token : flags.tokens()) {
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
		return out.writeBytes(CRLF);
	}

	private static ByteBuf debug(ByteBufAllocator allocator, MetaCommand command, MetaResult result) {
		if (result.status() != MetaResult.Status.HIT) {
			return TextResponses.line(allocator, "EN");
		}
		ByteBuf out = allocator.buffer();
		ByteBufUtil.writeAscii(out, "ME ");
		out.writeBytes(keyBytes(command, result.binaryKey()));
		// one pseudo slab class, as in "stats items": this store does not partition memory
		ByteBufUtil.writeAscii(out, " exp=" + result.ttl() + " la=" + result.secondsSinceAccess() + " cas="
				+ Long.toUnsignedString(result.cas()) + " fetch=" + (result.fetchedBefore() ? "yes" : "no")
				+ " cls=1 size=" + result.size());
		return out.writeBytes(CRLF);
	}

	private static void echo(ByteBuf out, MetaCommand command) {
		for (byte[] token : command.flags().tokens()) {
			if (token[0] == 'O') {
				out.writeByte(' ').writeBytes(token);
			}
			else if (token[0] == 'k') {
				key(out, command);
			}
		}
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
			ByteBufUtil.writeAscii(out, " b");
		}
	}

	private static byte[] keyBytes(MetaCommand command, boolean binary) {
		byte[] key = command.key().unsafeBytes();
		return binary ? Base64.getEncoder().encode(key) : key;
	}

	private static void number(ByteBuf out, char flag, long value) {
		out.writeByte(' ').writeByte(flag);
		ByteBufUtil.writeAscii(out, Long.toString(value));
	}

	private static void unsignedNumber(ByteBuf out, char flag, long value) {
		out.writeByte(' ').writeByte(flag);
		ByteBufUtil.writeAscii(out, Long.toUnsignedString(value));
	}

	private static byte[] code(MetaResult.Status status) {
		String code = switch (status) {
			case HIT -> "HD";
			case MISS -> "EN";
			case NOT_FOUND -> "NF";
			case NOT_STORED -> "NS";
			case EXISTS -> "EX";
		};
		return code.getBytes(StandardCharsets.US_ASCII);
	}

}
