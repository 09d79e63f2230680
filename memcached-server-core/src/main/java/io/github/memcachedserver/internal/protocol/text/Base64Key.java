package io.github.memcachedserver.internal.protocol.text;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Decodes a meta command's base64 key ({@code b} flag) as memcached's decoder does, which is more
 * lenient than RFC 4648: bytes outside the alphabet are skipped, {@code =} counts as a digit of
 * value zero wherever it stands, and decoding stops after the first group of four that holds a
 * {@code =} (one or two of them drop one or two bytes of that group). Java's decoder refuses
 * such keys, where memcached stores and finds the item.
 */
final class Base64Key {

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	private static final int SKIPPED = -1;

	private static final int[] DIGITS = new int[256];

	static {
		Arrays.fill(DIGITS, SKIPPED);
		for (int i = 0; i < ALPHABET.length(); i++) {
			DIGITS[ALPHABET.charAt(i)] = i;
		}
		DIGITS['='] = 0;
	}

	private Base64Key() {
	}

	/**
	 * Decodes a key.
	 * @param encoded the key as sent
	 * @return the key's bytes, or {@code null} where memcached answers that it cannot decode it
	 * (no digits, digits not a multiple of four, or three {@code =} in the last group)
	 */
	static byte @Nullable [] decode(byte[] encoded) {
		int digits = 0;
		for (byte b : encoded) {
			if (DIGITS[b & 0xff] != SKIPPED) {
				digits++;
			}
		}
		if (digits == 0 || digits % 4 != 0) {
			return null;
		}
		byte[] out = new byte[digits / 4 * 3];
		int length = 0;
		int group = 0;
		int inGroup = 0;
		int padding = 0;
		for (byte b : encoded) {
			int digit = DIGITS[b & 0xff];
			if (digit == SKIPPED) {
				continue;
			}
			if (b == '=') {
				padding++;
			}
			group = (group << 6) | digit;
			if (++inGroup < 4) {
				continue;
			}
			out[length++] = (byte) (group >> 16);
			out[length++] = (byte) (group >> 8);
			out[length++] = (byte) group;
			group = 0;
			inGroup = 0;
			if (padding > 2) {
				return null;
			}
			if (padding > 0) {
				length -= padding;
				break;
			}
		}
		return Arrays.copyOf(out, length);
	}

}
