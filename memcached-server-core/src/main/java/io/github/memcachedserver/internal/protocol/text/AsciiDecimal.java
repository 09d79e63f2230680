package io.github.memcachedserver.internal.protocol.text;

import io.netty.buffer.ByteBuf;

/**
 * Writes numbers as ASCII decimal digits straight into a buffer: answers carry several
 * numbers each (lengths, flags, TTLs, CAS uniques), and going through {@code Long.toString}
 * would build a {@code String} for every one of them.
 */
final class AsciiDecimal {

	private AsciiDecimal() {
	}

	/**
	 * Writes a signed number ({@code -1} for an unlimited TTL, say).
	 * @param out the buffer
	 * @param value the number
	 */
	static void write(ByteBuf out, long value) {
		if (value < 0) {
			out.writeByte('-');
			// the negation read as unsigned is right even for Long.MIN_VALUE
			writeUnsigned(out, -value);
			return;
		}
		int digits = digits(value);
		out.ensureWritable(digits);
		int end = out.writerIndex() + digits;
		long rest = value;
		for (int index = end - 1; index >= end - digits; index--) {
			out.setByte(index, '0' + (int) (rest % 10));
			rest /= 10;
		}
		out.writerIndex(end);
	}

	/**
	 * Writes a number read as unsigned 64-bit (CAS uniques, counters).
	 * @param out the buffer
	 * @param value the number
	 */
	static void writeUnsigned(ByteBuf out, long value) {
		if (value >= 0) {
			write(out, value);
			return;
		}
		write(out, Long.divideUnsigned(value, 10));
		out.writeByte('0' + (int) Long.remainderUnsigned(value, 10));
	}

	private static int digits(long value) {
		int digits = 1;
		for (long limit = 10; digits < 19 && value >= limit; limit *= 10) {
			digits++;
		}
		return digits;
	}

}
