package io.github.memcachedserver.handler;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * memcached's rules for {@code incr} and {@code decr}, for handlers that store values as
 * bytes: values are unsigned 64-bit decimals, {@code incr} wraps around, {@code decr} stops
 * at 0, and a shorter result keeps the old length padded with spaces (memcached rewrites
 * the value in place).
 *
 * @since 0.1.0
 */
public final class Arithmetic {

	private Arithmetic() {
	}

	/**
	 * Applies a delta to a stored value.
	 * @param stored the stored value bytes
	 * @param delta the unsigned delta
	 * @param increment {@code true} for {@code incr}, {@code false} for {@code decr}
	 * @return the new unsigned value
	 * @throws ClientErrorException when the stored value is not a number
	 */
	public static long apply(byte[] stored, long delta, boolean increment) {
		long value = parseStored(stored);
		if (increment) {
			return value + delta;
		}
		return (Long.compareUnsigned(delta, value) > 0) ? 0 : value - delta;
	}

	/**
	 * Refuses an empty value as memcached does before it even compares a CAS unique: an item
	 * with no data is never a number, whatever unique the request carries.
	 * @param stored the stored value bytes
	 * @throws ClientErrorException when the value is empty
	 */
	public static void checkNotEmpty(byte[] stored) {
		if (stored.length == 0) {
			throw nonNumeric();
		}
	}

	/**
	 * Formats a new value the way memcached stores it: the decimal digits, padded with
	 * trailing spaces to the old length when they are shorter.
	 * @param value the unsigned value
	 * @param oldLength the length of the value it replaces
	 * @return the bytes to store
	 */
	public static byte[] format(long value, int oldLength) {
		byte[] digits = Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII);
		if (digits.length >= oldLength) {
			return digits;
		}
		byte[] padded = Arrays.copyOf(digits, oldLength);
		Arrays.fill(padded, digits.length, oldLength, (byte) ' ');
		return padded;
	}

	/**
	 * Parses a stored value as memcached does ({@code strtoull} on the data followed by
	 * "\r\n"): leading whitespace and a sign are accepted, the number must be followed by
	 * whitespace, a zero byte or the end; a negative number, an overflow or a value with no
	 * digits at all is not a number.
	 * @param stored the stored value bytes
	 * @return the unsigned value
	 * @throws ClientErrorException when it is not a number
	 */
	static long parseStored(byte[] stored) {
		if (stored.length == 0) {
			throw nonNumeric();
		}
		int i = 0;
		while (i < stored.length && isSpace(stored[i])) {
			i++;
		}
		boolean negative = false;
		if (i < stored.length && (stored[i] == '+' || stored[i] == '-')) {
			negative = stored[i] == '-';
			i++;
		}
		int digitsStart = i;
		long value = 0;
		while (i < stored.length && stored[i] >= '0' && stored[i] <= '9') {
			int digit = stored[i] - '0';
			if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - digit, 10)) > 0) {
				throw nonNumeric();
			}
			value = value * 10 + digit;
			i++;
		}
		if (i == digitsStart) {
			// strtoull converted nothing: memcached's safe_strtoull refuses that, spaces or not
			throw nonNumeric();
		}
		if (i < stored.length && !isSpace(stored[i]) && stored[i] != 0) {
			throw nonNumeric();
		}
		if (!negative && value < 0 && hasMinusBeforeZeroByte(stored)) {
			// 2^63 or more: memcached takes it for a negative number that strtoull wrapped when
			// a minus sign is anywhere in the string (strchr, so up to a zero byte)
			throw nonNumeric();
		}
		if (negative && value != 0) {
			// strtoull negates; memcached refuses results that look negative
			long negated = -value;
			if (negated < 0) {
				throw nonNumeric();
			}
			return negated;
		}
		return value;
	}

	private static boolean hasMinusBeforeZeroByte(byte[] bytes) {
		for (byte b : bytes) {
			if (b == 0) {
				return false;
			}
			if (b == '-') {
				return true;
			}
		}
		return false;
	}

	private static boolean isSpace(byte b) {
		return b == ' ' || (b >= '\t' && b <= '\r');
	}

	private static ClientErrorException nonNumeric() {
		return new ClientErrorException(MemcachedCommandHandler.NON_NUMERIC_VALUE);
	}

}
