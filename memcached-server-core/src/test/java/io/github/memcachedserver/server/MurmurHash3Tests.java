package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class MurmurHash3Tests {

	/** MurmurHash3_x86_32 with seed 0: published vectors, and every length of tail. */
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "|00000000", "a|3c2569b2", "ab|9bbfd75f", "abc|b3dd93fa", "abcd|43ed676a",
			"abcde|e89b9af6", "test|ba6bd213", "Hello, world!|c0363e43",
			"The quick brown fox jumps over the lazy dog|2e4ff723" })
	void isMurmurHash3x86With32BitsAndSeedZero(String text, String expected) {
		byte[] bytes = (text != null) ? text.getBytes(StandardCharsets.US_ASCII) : new byte[0];
		assertThat(MurmurHash3.hash32(bytes, bytes.length)).isEqualTo(Integer.parseUnsignedInt(expected, 16));
	}

	@ParameterizedTest
	@CsvSource({ "1, 3c2569b2", "3, b3dd93fa", "4, 43ed676a" })
	void hashesOnlyTheFirstBytesItIsTold(int length, String expected) {
		assertThat(MurmurHash3.hash32("abcde:rest".getBytes(StandardCharsets.US_ASCII), length))
			.isEqualTo(Integer.parseUnsignedInt(expected, 16));
	}

	@ParameterizedTest
	@CsvSource({ "ff, fd6cf10d", "fffe80, 12cb5f1f", "fffe8090a0, f5fec58e" })
	void readsBytesAsUnsigned(String hex, String expected) {
		byte[] bytes = HexFormat.of().parseHex(hex);
		assertThat(MurmurHash3.hash32(bytes, bytes.length)).isEqualTo(Integer.parseUnsignedInt(expected, 16));
	}

}
