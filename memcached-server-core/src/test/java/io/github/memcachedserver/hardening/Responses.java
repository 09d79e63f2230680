package io.github.memcachedserver.hardening;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks that a byte stream read from the server is a sequence of well-formed memcached
 * answers (text and meta), using only the answers themselves: a {@code VALUE} or {@code VA}
 * line says how many data bytes follow.
 */
final class Responses {

	private static final Pattern SIMPLE = Pattern.compile(
			"STORED|NOT_STORED|EXISTS|NOT_FOUND|DELETED|TOUCHED|OK|END|RESET|[0-9]+|(ERROR|CLIENT_ERROR|SERVER_ERROR)([ :][\\x20-\\x7e]*)?|VERSION [\\x20-\\x7e]+");

	private static final Pattern STAT = Pattern.compile("STAT [^ ]+ [\\x20-\\x7e]*");

	private static final Pattern VALUE = Pattern.compile("VALUE [^ ]{1,250} [0-9]+ ([0-9]+)( [0-9]+)?");

	private static final Pattern META = Pattern.compile("(HD|NS|EX|NF|EN|MN)( [^ ]+)*|ME [^ ]{1,250}( [\\x20-\\x7e]*)?");

	private static final Pattern META_VALUE = Pattern.compile("VA ([0-9]+)( [^ ]+)*");

	private Responses() {
	}

	/**
	 * Parses a response stream.
	 * @param bytes what the server sent
	 * @param mayBeTruncated whether the stream may stop inside an answer (the connection was reset)
	 * @return the answers' first lines, in order
	 * @throws AssertionError when something is not a memcached answer
	 */
	static List<String> parse(byte[] bytes, boolean mayBeTruncated) {
		List<String> answers = new ArrayList<>();
		int position = 0;
		boolean inStats = false;
		boolean inValues = false;
		while (position < bytes.length) {
			int eol = indexOfCrlf(bytes, position);
			if (eol < 0) {
				if (mayBeTruncated) {
					return answers;
				}
				throw new AssertionError("unterminated answer at byte " + position + ": " + excerpt(bytes, position));
			}
			String line = new String(bytes, position, eol - position, StandardCharsets.ISO_8859_1);
			position = eol + 2;
			if (inStats) {
				if (line.equals("END")) {
					inStats = false;
					continue;
				}
				if (!STAT.matcher(line).matches()) {
					throw new AssertionError("not a STAT line: '" + line + "'");
				}
				continue;
			}
			var value = VALUE.matcher(line);
			var metaValue = META_VALUE.matcher(line);
			if (value.matches() || metaValue.matches()) {
				long length = Long.parseLong(value.matches() ? value.group(1) : metaValue.group(1));
				if (position + length + 2 > bytes.length) {
					if (mayBeTruncated) {
						return answers;
					}
					throw new AssertionError("data block of '" + line + "' is cut short");
				}
				position += (int) length;
				if (bytes[position] != '\r' || bytes[position + 1] != '\n') {
					throw new AssertionError("data block of '" + line + "' is not followed by \\r\\n");
				}
				position += 2;
				if (value.matches()) {
					if (!inValues) {
						answers.add(line);
					}
					inValues = true;
				}
				else {
					answers.add(line);
				}
				continue;
			}
			if (inValues) {
				if (!line.equals("END")) {
					throw new AssertionError("VALUE blocks not closed by END but by '" + line + "'");
				}
				inValues = false;
				continue;
			}
			if (line.startsWith("STAT ")) {
				if (!STAT.matcher(line).matches()) {
					throw new AssertionError("not a STAT line: '" + line + "'");
				}
				answers.add("STAT");
				inStats = true;
				continue;
			}
			if (!SIMPLE.matcher(line).matches() && !META.matcher(line).matches()) {
				throw new AssertionError("not a memcached answer: '" + line + "'");
			}
			answers.add(line);
		}
		if ((inStats || inValues) && !mayBeTruncated) {
			throw new AssertionError("stream ends inside a multi-line answer");
		}
		return answers;
	}

	private static int indexOfCrlf(byte[] bytes, int from) {
		for (int i = from; i + 1 < bytes.length; i++) {
			if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
				return i;
			}
		}
		return -1;
	}

	private static String excerpt(byte[] bytes, int from) {
		int length = Math.min(80, bytes.length - from);
		return new String(bytes, from, length, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
	}

}
