package io.github.memcachedserver.internal;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyHashTests {

	@Test
	void isSipHash24() {
		// the test vector of the SipHash paper: key 00..0f, message 00..0e
		byte[] message = new byte[15];
		for (int i = 0; i < message.length; i++) {
			message[i] = (byte) i;
		}
		long k0 = 0x0706050403020100L;
		long k1 = 0x0f0e0d0c0b0a0908L;
		assertThat(KeyHash.sipHash24(k0, k1, message)).isEqualTo(0xa129ca6149be45e5L);
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
