package io.github.memcachedserver.internal.protocol.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.github.memcachedserver.handler.Key;

/**
 * One request line split into tokens the way memcached's {@code tokenize_command} does it:
 * only spaces separate tokens, runs of spaces count as one, and the line ends at its first
 * zero byte (memcached handles the line as a C string). After
 * {@value #MAX_WORDS} tokens the rest of the line is left unsplit, as in memcached, and
 * {@link #hasRemainder()} tells so.
 * <p>
 * The numeric parsers reproduce the C library conversions memcached uses
 * ({@code strtoull}, {@code strtoul}, {@code strtol} behind its {@code safe_*} helpers),
 * including their quirks: leading whitespace and a sign are accepted, a number may be
 * followed by any whitespace character, and 32-bit results are truncated rather than
 * refused.
 */
final class CommandLine {

	/** memcached's MAX_TOKENS less the terminal token. */
	static final int MAX_WORDS = 23;

	private byte[] bytes = new byte[256];

	private int length;

	private final int[] starts = new int[MAX_WORDS + 1];

	private final int[] ends = new int[MAX_WORDS + 1];

	private int count;

	private int remainderStart;

	/**
	 * Loads and tokenizes a line.
	 * @param source the bytes
	 * @param from the first byte of the line
	 * @param to the end of the line (exclusive), its line terminator already removed
	 */
	void load(io.netty.buffer.ByteBuf source, int from, int to) {
		int size = to - from;
		if (this.bytes.length < size) {
			this.bytes = new byte[Math.max(size, this.bytes.length * 2)];
		}
		source.getBytes(from, this.bytes, 0, size);
		int nul = -1;
		for (int i = 0; i < size; i++) {
			if (this.bytes[i] == 0) {
				nul = i;
				break;
			}
		}
		this.length = (nul >= 0) ? nul : size;
		tokenize(0);
	}

	/**
	 * Tokenizes the unsplit rest of the line, for multi-key gets longer than
	 * {@value #MAX_WORDS} tokens.
	 */
	void tokenizeRemainder() {
		tokenize(this.remainderStart);
	}

	private void tokenize(int from) {
		this.count = 0;
		this.remainderStart = -1;
		int start = from;
		for (int i = from; i < this.length; i++) {
			if (this.bytes[i] == ' ') {
				if (i > start) {
					this.starts[this.count] = start;
					this.ends[this.count] = i;
					this.count++;
					if (this.count == MAX_WORDS) {
						start = i + 1;
						this.remainderStart = (start < this.length) ? start : -1;
						return;
					}
				}
				start = i + 1;
			}
		}
		if (this.length > start) {
			this.starts[this.count] = start;
			this.ends[this.count] = this.length;
			this.count++;
		}
	}

	int count() {
		return this.count;
	}

	boolean hasRemainder() {
		return this.remainderStart >= 0;
	}

	int length(int token) {
		return this.ends[token] - this.starts[token];
	}

	boolean is(int token, String text) {
		int start = this.starts[token];
		int len = this.ends[token] - start;
		if (len != text.length()) {
			return false;
		}
		for (int i = 0; i < len; i++) {
			if (this.bytes[start + i] != text.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	boolean startsWith(int token, String text) {
		int start = this.starts[token];
		if (this.ends[token] - start < text.length()) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			if (this.bytes[start + i] != text.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	String string(int token) {
		return new String(this.bytes, this.starts[token], length(token), StandardCharsets.ISO_8859_1);
	}

	Key key(int token) {
		return Key.wrap(Arrays.copyOfRange(this.bytes, this.starts[token], this.ends[token]));
	}

	/** Whether the last token is {@code noreply} (memcached's {@code set_noreply_maybe}). */
	boolean endsWithNoreply() {
		return this.count > 0 && is(this.count - 1, "noreply");
	}

	/**
	 * Parses an unsigned 64-bit number as {@code safe_strtoull} does.
	 * @param token the token
	 * @return the value, or {@link #INVALID} as the failure marker through
	 * {@link #lastParseFailed()}
	 */
	long unsigned64(int token) {
		return unsigned64(token, 0);
	}

	/** Like {@link #unsigned64(int)} on the token's bytes after {@code skip} leading ones. */
	long unsigned64(int token, int skip) {
		return parse(this.starts[token] + skip, this.ends[token], false);
	}

	/** Parses as {@code safe_strtoul} (64-bit C long) does, then keeps the low 32 bits. */
	long unsigned32(int token) {
		return unsigned32(token, 0);
	}

	/** Like {@link #unsigned32(int)} on the token's bytes after {@code skip} leading ones. */
	long unsigned32(int token, int skip) {
		long value = parse(this.starts[token] + skip, this.ends[token], false);
		return this.failed ? 0 : (value & 0xFFFFFFFFL);
	}

	/** Parses as {@code safe_strtol} (64-bit C long) does, then keeps the low 32 bits, signed. */
	long signed32(int token) {
		return signed32(token, 0);
	}

	/** Like {@link #signed32(int)} on the token's bytes after {@code skip} leading ones. */
	long signed32(int token, int skip) {
		long value = parse(this.starts[token] + skip, this.ends[token], true);
		return this.failed ? 0 : (int) value;
	}

	byte[] bytes(int token) {
		return Arrays.copyOfRange(this.bytes, this.starts[token], this.ends[token]);
	}

	byte byteAt(int token, int index) {
		return this.bytes[this.starts[token] + index];
	}

	boolean lastParseFailed() {
		return this.failed;
	}

	private boolean failed;

	/** A marker value; check {@link #lastParseFailed()}. */
	static final long INVALID = 0;

	private long parse(int from, int end, boolean signed) {
		this.failed = true;
		int i = from;
		while (i < end && isSpace(this.bytes[i])) {
			i++;
		}
		boolean negative = false;
		if (i < end && (this.bytes[i] == '+' || this.bytes[i] == '-')) {
			negative = this.bytes[i] == '-';
			i++;
		}
		int digitsStart = i;
		long magnitude = 0;
		boolean overflow = false;
		while (i < end && this.bytes[i] >= '0' && this.bytes[i] <= '9') {
			int digit = this.bytes[i] - '0';
			if (Long.compareUnsigned(magnitude, Long.divideUnsigned(-1L - digit, 10)) > 0) {
				overflow = true;
			}
			magnitude = magnitude * 10 + digit;
			i++;
		}
		if (i == digitsStart || overflow || (i < end && !isSpace(this.bytes[i]))) {
			return INVALID;
		}
		long value;
		if (signed) {
			// strtol: ERANGE outside the signed 64-bit range
			if (negative ? Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0 : magnitude < 0) {
				return INVALID;
			}
			value = negative ? -magnitude : magnitude;
		}
		else {
			// strtoull negates; memcached then refuses a result that looks negative as signed
			value = negative ? -magnitude : magnitude;
			if (negative && value < 0) {
				return INVALID;
			}
		}
		this.failed = false;
		return value;
	}

	private static boolean isSpace(byte b) {
		return b == ' ' || (b >= '\t' && b <= '\r');
	}

}
