package io.github.memcachedserver.hardening;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of text-protocol input for the property tests: plausible commands (valid or
 * slightly wrong), streams of them, mutations and random splits.
 */
final class CommandStreams {

	private static final String[] STORAGE = { "set", "add", "replace", "append", "prepend", "cas" };

	private static final String[] NUMBERS = { "0", "1", "5", "-1", "4294967295", "4294967296", "18446744073709551615",
			"18446744073709551616", "2592000", "2592001", "1099511627776", "abc", "1x", "", "+3", "007" };

	private CommandStreams() {
	}

	static Arbitrary<String> keys() {
		return Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(8, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12)),
				net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMinLength(248).ofMaxLength(253)),
				net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange((char) 0x01, (char) 0xff).ofMinLength(1).ofMaxLength(8)));
	}

	static Arbitrary<String> numbers() {
		return Arbitraries.oneOf(Arbitraries.of(NUMBERS), Arbitraries.longs().map(String::valueOf));
	}

	/** One command, mostly well formed, with its data block when it has one. */
	static Arbitrary<byte[]> commands() {
		Arbitrary<String> storage = Combinators
			.combine(Arbitraries.of(STORAGE), keys(), numbers(), numbers(), Arbitraries.integers().between(0, 40),
					Arbitraries.integers().between(-2, 2), Arbitraries.of("", " noreply", " 12"))
			.as((name, key, flags, exptime, length, error, tail) -> {
				String data = "x".repeat(length);
				int declared = Math.max(0, length + ((error == 2) ? 1 : (error == -2) ? -1 : 0));
				String cas = name.equals("cas") ? " 1" : "";
				return name + " " + key + " " + flags + " " + exptime + " " + declared + cas + tail + "\r\n" + data
						+ "\r\n";
			});
		Arbitrary<String> retrieval = Combinators
			.combine(Arbitraries.of("get", "gets", "gat 10", "gats 0", "bget"), keys().list().ofMinSize(0).ofMaxSize(4))
			.as((name, keys) -> name + (keys.isEmpty() ? "" : " " + String.join(" ", keys)) + "\r\n");
		Arbitrary<String> keyed = Combinators
			.combine(Arbitraries.of("delete", "incr", "decr", "touch"), keys(), numbers(), Arbitraries.of("", " noreply"))
			.as((name, key, number, tail) -> name + " " + key + (name.equals("delete") ? "" : " " + number) + tail + "\r\n");
		Arbitrary<String> other = Arbitraries.of("version\r\n", "stats\r\n", "stats settings\r\n", "stats items\r\n",
				"stats slabs\r\n", "stats reset\r\n", "stats detail dump\r\n", "verbosity 1\r\n", "verbosity\r\n",
				"verbosity 1 noreply\r\n", "flush_all\r\n", "flush_all 0 noreply\r\n", "flush_all -1\r\n", "shutdown\r\n",
				"quit\r\n", "\r\n", "\n", " \r\n", "nonsense here\r\n", "GET / HTTP/1.1\r\n", "mn\r\n", "mg foo v\r\n",
				"ms foo 2\r\nhi\r\n", "md foo\r\n", "ma foo\r\n", "me foo\r\n");
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, storage), net.jqwik.api.Tuple.of(3, retrieval),
				net.jqwik.api.Tuple.of(3, keyed), net.jqwik.api.Tuple.of(2, other))
			.map((text) -> text.getBytes(StandardCharsets.ISO_8859_1));
	}

	/** A pipeline of commands. */
	static Arbitrary<byte[]> streams(int maxCommands) {
		return commands().list().ofMinSize(1).ofMaxSize(maxCommands).map(CommandStreams::concat);
	}

	/** Random bytes, sometimes with line ends sprinkled in. */
	static Arbitrary<byte[]> garbage(int maxLength) {
		return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(maxLength),
				Arbitraries.integers().between(0, 20))
			.as((bytes, newlines) -> {
				Random random = new Random(bytes.length * 31L + newlines);
				for (int i = 0; i < newlines && bytes.length > 0; i++) {
					bytes[random.nextInt(bytes.length)] = '\n';
				}
				return bytes;
			});
	}

	/** Applies a few random edits: flipped, inserted, deleted and duplicated bytes, or a cut. */
	static byte[] mutate(byte[] input, Random random) {
		List<Byte> bytes = new ArrayList<>(input.length + 16);
		for (byte b : input) {
			bytes.add(b);
		}
		int edits = random.nextInt(4);
		for (int e = 0; e < edits; e++) {
			int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
			switch (random.nextInt(6)) {
				case 0 -> {
					if (!bytes.isEmpty()) {
						bytes.set(at, (byte) random.nextInt(256));
					}
				}
				case 1 -> bytes.add(at, (byte) " \r\n0123456789abcdefgnoreply\0\u00ff".charAt(random.nextInt(28)));
				case 2 -> {
					int end = Math.min(bytes.size(), at + 1 + random.nextInt(8));
					bytes.subList(at, end).clear();
				}
				case 3 -> {
					int end = Math.min(bytes.size(), at + 1 + random.nextInt(16));
					bytes.addAll(at, new ArrayList<>(bytes.subList(at, end)));
				}
				case 4 -> bytes.subList(at, bytes.size()).clear();
				default -> {
					if (!bytes.isEmpty()) {
						bytes.set(at, (byte) ((random.nextBoolean()) ? '\n' : ' '));
					}
				}
			}
		}
		byte[] out = new byte[bytes.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = bytes.get(i);
		}
		return out;
	}

	/** Cuts the input at random points (possibly none, possibly one byte at a time). */
	static List<byte[]> split(byte[] input, Random random) {
		List<byte[]> chunks = new ArrayList<>();
		int position = 0;
		boolean bytewise = random.nextInt(10) == 0;
		while (position < input.length) {
			int size = bytewise ? 1 : 1 + random.nextInt(Math.max(1, Math.min(input.length - position, 1 + random.nextInt(64))));
			size = Math.min(size, input.length - position);
			byte[] chunk = new byte[size];
			System.arraycopy(input, position, chunk, 0, size);
			chunks.add(chunk);
			position += size;
		}
		return chunks;
	}

	static byte[] concat(List<byte[]> parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
