package io.github.memcachedserver.internal;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class KeyHashTests {

	/**
	 * The reference implementation's vectors (key 00..0f, message 00..len-1), one for every
	 * path through the words: none whole, some whole, whole words only.
	 */
	@ParameterizedTest
	@CsvSource({ "0, 726fdb47dd0e0e31", "7, ab0200f58b01d137", "8, 93f5f5799a932462", "15, a129ca6149be45e5",
			"16, 3f2acc7f57c29bdb", "63, 958a324ceb064572" })
	void isSipHash24(int length, String expected) {
		byte[] message = new byte[length];
		for (int i = 0; i < message.length; i++) {
			message[i] = (byte) i;
		}
		long k0 = 0x0706050403020100L;
		long k1 = 0x0f0e0d0c0b0a0908L;
		assertThat(KeyHash.sipHash24(k0, k1, message)).isEqualTo(Long.parseUnsignedLong(expected, 16));
	}

	@Test
	void keysBuiltToCollideUnderArraysHashCodeDoNot() {
		// "Aa" and "BB" have the same Arrays.hashCode, so every key of 12 such pairs does too
		Set<Integer> javaHashes = new HashSet<>();
		Set<Integer> keyHashes = new HashSet<>();
		int keys = 4096;
		for (int n = 0; n < keys; n++) {
			StringBuilder key = new StringBuilder();
			for (int bit = 0; bit < 12; bit++) {
				key.append(((n >> bit) & 1) == 0 ? "Aa" : "BB");
			}
			byte[] bytes = key.toString().getBytes();
			javaHashes.add(java.util.Arrays.hashCode(bytes));
			keyHashes.add(KeyHash.of(bytes));
		}
		assertThat(javaHashes).hasSize(1);
		assertThat(keyHashes).hasSizeGreaterThan(keys - 5);
	}

}
