package io.github.memcachedserver.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@code .cases} file; the format is described in
 * {@code src/test/resources/differential/README.md}.
 */
final class CaseFileParser {

	static final int DEFAULT_PAUSE_MILLIS = 40;

	private CaseFileParser() {
	}

	static List<DifferentialCase> parse(String file, InputStream in) throws IOException {
		String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		List<DifferentialCase> cases = new ArrayList<>();
		Builder current = null;
		String[] lines = text.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			if (line.endsWith("\r")) {
				line = line.substring(0, line.length() - 1);
			}
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("#")) {
				continue;
			}
			int lineNo = i + 1;
			try {
				if (trimmed.startsWith("===")) {
					if (current != null) {
						cases.add(current.build());
					}
					current = new Builder(file, lineNo, trimmed.substring(3).strip());
					continue;
				}
				if (current == null) {
					throw new IllegalArgumentException("directive before the first === header");
				}
				String keyword = firstWord(trimmed);
				String rest = trimmed.substring(keyword.length());
				// the byte text starts after exactly one space so that leading spaces can be expressed
				String bytesText = rest.startsWith(" ") ? rest.substring(1) : rest;
				switch (keyword) {
					case ">" -> current.write(Escapes.decode(bytesText));
					case "+" -> current.append(Escapes.decode(bytesText));
					case "pause" -> current.pause(Integer.parseInt(rest.strip()));
					case "split" -> current.split(Integer.parseInt(rest.strip()));
					case "end-input" -> current.endInput = true;
					case "deviation" -> current.deviation = rest.strip();
					case "expect" -> current.expected.writeBytes(Escapes.decode(bytesText));
					case "expect-closed" -> current.expectedClosed = parseYesNo(rest.strip());
					case "ignore-stats" -> current.ignoredStats.addAll(List.of(rest.strip().split("\\s+")));
					case "auth-user" -> current.login = Login.parse(rest.strip(), false);
					case "sasl-user" -> current.login = Login.parse(rest.strip(), true);
					case "compare" -> {
						if (!rest.strip().equals("stats")) {
							throw new IllegalArgumentException("unknown compare mode " + rest.strip());
						}
						current.compareStats = true;
					}
					default -> throw new IllegalArgumentException("unknown directive '" + keyword + "'");
				}
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException(file + ":" + lineNo + ": " + ex.getMessage(), ex);
			}
		}
		if (current != null) {
			cases.add(current.build());
		}
		return cases;
	}

	private static boolean parseYesNo(String s) {
		return switch (s) {
			case "yes", "true" -> true;
			case "no", "false" -> false;
			default -> throw new IllegalArgumentException("expected yes/no: " + s);
		};
	}

	private static String firstWord(String s) {
		int sp = s.indexOf(' ');
		return (sp < 0) ? s : s.substring(0, sp);
	}

	private static final class Builder {

		final String file;

		final int line;

		final String name;

		final List<byte[]> writes = new ArrayList<>();

		final List<Integer> pauses = new ArrayList<>();

		Integer nextPause;

		int split;

		String deviation;

		final ByteArrayOutputStream expected = new ByteArrayOutputStream();

		Boolean expectedClosed;

		boolean compareStats;

		final Set<String> ignoredStats = new TreeSet<>();

		Login login;

		boolean endInput;

		Builder(String file, int line, String name) {
			if (name.isEmpty() || name.contains(" ")) {
				throw new IllegalArgumentException("case names are one word: '" + name + "'");
			}
			this.file = file;
			this.line = line;
			this.name = name;
		}

		void write(byte[] bytes) {
			this.pauses.add(this.writes.isEmpty() ? 0
					: (this.nextPause != null) ? this.nextPause : DEFAULT_PAUSE_MILLIS);
			this.writes.add(bytes);
			this.nextPause = null;
		}

		void append(byte[] bytes) {
			if (this.writes.isEmpty()) {
				throw new IllegalArgumentException("'+' without a preceding '>'");
			}
			byte[] last = this.writes.get(this.writes.size() - 1);
			byte[] joined = new byte[last.length + bytes.length];
			System.arraycopy(last, 0, joined, 0, last.length);
			System.arraycopy(bytes, 0, joined, last.length, bytes.length);
			this.writes.set(this.writes.size() - 1, joined);
		}

		void pause(int millis) {
			this.nextPause = millis;
		}

		void split(int chunk) {
			this.split = chunk;
		}

		DifferentialCase build() {
			if (this.writes.isEmpty()) {
				throw new IllegalArgumentException(this.file + ":" + this.line + ": case " + this.name
						+ " sends nothing");
			}
			if (this.deviation == null && (this.expected.size() > 0 || this.expectedClosed != null)) {
				throw new IllegalArgumentException(
						this.file + ":" + this.line + ": case " + this.name + " has 'expect' but no 'deviation'");
			}
			List<byte[]> finalWrites = this.writes;
			List<Integer> finalPauses = this.pauses;
			if (this.split > 0) {
				byte[] all = new DifferentialCase(this.file, this.line, this.name, this.writes, this.pauses, null,
						null, null, false, Set.of(), null, false)
					.request();
				finalWrites = new ArrayList<>();
				finalPauses = new ArrayList<>();
				for (int at = 0; at < all.length; at += this.split) {
					int len = Math.min(this.split, all.length - at);
					byte[] chunk = new byte[len];
					System.arraycopy(all, at, chunk, 0, len);
					finalPauses.add(finalWrites.isEmpty() ? 0 : 3);
					finalWrites.add(chunk);
				}
			}
			return new DifferentialCase(this.file, this.line, this.name, List.copyOf(finalWrites),
					List.copyOf(finalPauses), this.deviation,
					(this.deviation != null) ? this.expected.toByteArray() : null, this.expectedClosed,
					this.compareStats, Set.copyOf(this.ignoredStats), this.login, this.endInput);
		}

	}

}
