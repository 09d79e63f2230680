package io.github.memcachedserver.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The byte notation of the {@code .cases} files, both ways.
 * <p>
 * Escapes: {@code \r \n \t \0 \\ \{ \xNN}; a backslash before anything else is an error.
 * Generators: <code>{rep:N:text}</code> repeats {@code text} (itself escaped notation, no nested
 * generators) N times, e.g. <code>{rep:251:k}</code> for a 251-byte key. <code>{cas}</code> is kept as
 * a placeholder (it is resolved per server at run time) and only allowed where the script says so.
 * <code>{bin:field=value ...}</code> writes one binary-protocol request packet (see {@link BinaryPacket}).
 */
final class Escapes {

	static final byte[] CAS_PLACEHOLDER = "{cas}".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Placeholder for an 8-byte binary-protocol CAS field (it is exactly 8 bytes long): replaced,
	 * per server, by the last non-zero CAS of a binary response packet on this connection.
	 */
	static final byte[] BIN_CAS_PLACEHOLDER = "{bincas}".getBytes(StandardCharsets.US_ASCII);

	private Escapes() {
	}

	static byte[] decode(String text) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
		int i = 0;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (c == '\\') {
				if (i + 1 >= text.length()) {
					throw new IllegalArgumentException("dangling backslash in: " + text);
				}
				char e = text.charAt(i + 1);
				switch (e) {
					case 'r' -> out.write('\r');
					case 'n' -> out.write('\n');
					case 't' -> out.write('\t');
					case '0' -> out.write(0);
					case '\\' -> out.write('\\');
					case '{' -> out.write('{');
					case 'x' -> {
						if (i + 4 > text.length()) {
							throw new IllegalArgumentException("short \\x escape in: " + text);
						}
						out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
						i += 2;
					}
					default -> throw new IllegalArgumentException("unknown escape \\" + e + " in: " + text);
				}
				i += 2;
			}
			else if (c == '{') {
				int close = matchingBrace(text, i);
				if (close < 0) {
					throw new IllegalArgumentException("unclosed { in: " + text);
				}
				String gen = text.substring(i + 1, close);
				if (gen.equals("cas")) {
					out.writeBytes(CAS_PLACEHOLDER);
				}
				else if (gen.startsWith("bin:")) {
					out.writeBytes(BinaryPacket.parse(gen.substring(4)));
				}
				else if (gen.startsWith("rep:")) {
					int colon = gen.indexOf(':', 4);
					int count = Integer.parseInt(gen.substring(4, colon));
					byte[] unit = decode(gen.substring(colon + 1));
					for (int n = 0; n < count; n++) {
						out.writeBytes(unit);
					}
				}
				else {
					throw new IllegalArgumentException("unknown generator {" + gen + "} in: " + text);
				}
				i = close + 1;
			}
			else {
				if (c > 0x7e) {
					throw new IllegalArgumentException("non-ASCII character in case text (use \\xNN): " + text);
				}
				out.write(c);
				i++;
			}
		}
		return out.toByteArray();
	}

	/**
	 * The index of the <code>}</code> closing the <code>{</code> at {@code open}, counting nested
	 * braces (a backslash escapes the next character), or -1.
	 */
	static int matchingBrace(String text, int open) {
		int depth = 0;
		for (int i = open; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\') {
				i++;
			}
			else if (c == '{') {
				depth++;
			}
			else if (c == '}') {
				depth--;
				if (depth == 0) {
					return i;
				}
			}
		}
		return -1;
	}

	/** Bytes as lower-case hex, space every {@code group} bytes (0: no spaces). */
	static String hex(byte[] bytes, int group) {
		StringBuilder sb = new StringBuilder(bytes.length * 3);
		for (int i = 0; i < bytes.length; i++) {
			if (group > 0 && i > 0 && i % group == 0) {
				sb.append(' ');
			}
			sb.append(String.format("%02x", bytes[i] & 0xff));
		}
		return sb.toString();
	}

	/**
	 * Renders bytes in the case notation, shortening runs of 16 or more equal bytes to
	 * <code>{rep:N:x}</code> and the whole text to about {@code limit} characters.
	 */
	static String encode(byte[] bytes, int limit) {
		StringBuilder sb = new StringBuilder();
		int i = 0;
		while (i < bytes.length) {
			if (sb.length() > limit) {
				sb.append("...(").append(bytes.length - i).append(" more bytes)");
				break;
			}
			int run = 1;
			while (i + run < bytes.length && bytes[i + run] == bytes[i]) {
				run++;
			}
			if (run >= 16) {
				sb.append("{rep:").append(run).append(':').append(one(bytes[i])).append('}');
				i += run;
				continue;
			}
			sb.append(one(bytes[i]));
			i++;
		}
		return sb.toString();
	}

	static String encode(byte[] bytes) {
		return encode(bytes, 4000);
	}

	private static String one(byte b) {
		int v = b & 0xff;
		return switch (v) {
			case '\r' -> "\\r";
			case '\n' -> "\\n";
			case '\t' -> "\\t";
			case 0 -> "\\0";
			case '\\' -> "\\\\";
			case '{' -> "\\{";
			default -> (v >= 0x20 && v < 0x7f) ? String.valueOf((char) v) : String.format("\\x%02x", v);
		};
	}

}
