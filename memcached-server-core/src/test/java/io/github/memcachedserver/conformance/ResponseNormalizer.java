package io.github.memcachedserver.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes two responses comparable where memcached's bytes are not reproducible: CAS uniques
 * become {@code <cas1>}, {@code <cas2>}, ... in order of first appearance (so equal uniques stay
 * equal and different ones stay different; this covers the {@code VALUE} lines of gets/gats and the
 * {@code c<unique>} flags of meta responses), the {@code VERSION} line becomes
 * {@code VERSION <version>}, and (on request) {@code STAT} blocks are cut out for
 * {@link StatsComparison}.
 */
final class ResponseNormalizer {

	private ResponseNormalizer() {
	}

	/** A response split into literal text (already normalised) and {@code STAT ...END} blocks. */
	record Parsed(List<Object> segments, List<String> casValues) {

		byte[] text() {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			for (Object s : this.segments) {
				if (s instanceof byte[] b) {
					out.writeBytes(b);
				}
				else {
					out.writeBytes("<stats block>\r\n".getBytes(StandardCharsets.US_ASCII));
				}
			}
			return out.toByteArray();
		}

		List<Map<String, String>> statsBlocks() {
			List<Map<String, String>> blocks = new ArrayList<>();
			for (Object s : this.segments) {
				if (s instanceof StatsBlock b) {
					blocks.add(b.fields());
				}
			}
			return blocks;
		}

	}

	record StatsBlock(Map<String, String> fields) {
	}

	static byte[] normalize(byte[] response) {
		return parse(response, false).text();
	}

	/**
	 * Parses a response.
	 * @param response raw bytes
	 * @param cutStats whether runs of {@code STAT} lines ending in {@code END} become {@link StatsBlock}s
	 */
	static Parsed parse(byte[] response, boolean cutStats) {
		List<Object> segments = new ArrayList<>();
		ByteArrayOutputStream text = new ByteArrayOutputStream();
		List<String> casValues = new ArrayList<>();
		int p = 0;
		boolean binary = response.length > 0 && (response[0] & 0xff) == 0x81;
		while (p < response.length) {
			if (binary) {
				// binary protocol: one normalised line per response packet, until a byte that
				// does not start a response packet (then the rest is read as text lines)
				BinaryPacket.Response r = BinaryPacket.responseAt(response, p);
				if (r == null) {
					if ((response[p] & 0xff) == 0x81) {
						text.writeBytes(("BIN-PARTIAL " + Escapes.hex(java.util.Arrays.copyOfRange(response, p,
								response.length), 0) + "\r\n").getBytes(StandardCharsets.US_ASCII));
						break;
					}
					binary = false;
					continue;
				}
				if (cutStats && r.opcode() == 0x10 && r.status() == 0 && r.keylen() > 0) {
					Map<String, String> fields = new LinkedHashMap<>();
					int q = p;
					boolean complete = false;
					BinaryPacket.Response s;
					while ((s = BinaryPacket.responseAt(response, q)) != null && s.opcode() == 0x10
							&& s.status() == 0) {
						q += BinaryPacket.HEADER + (int) s.bodylen();
						if (s.keylen() == 0) {
							complete = s.bodylen() == 0;
							break;
						}
						fields.put(new String(s.key(), StandardCharsets.ISO_8859_1),
								new String(s.value(), StandardCharsets.ISO_8859_1));
					}
					if (complete) {
						if (text.size() > 0) {
							segments.add(text.toByteArray());
							text.reset();
						}
						segments.add(new StatsBlock(fields));
						p = q;
						continue;
					}
				}
				text.writeBytes(describeBinary(r, casValues).getBytes(StandardCharsets.ISO_8859_1));
				p += BinaryPacket.HEADER + (int) r.bodylen();
				continue;
			}
			int eol = indexOfCrlf(response, p);
			if (eol < 0) {
				text.write(response, p, response.length - p);
				break;
			}
			String line = new String(response, p, eol - p, StandardCharsets.ISO_8859_1);
			if (line.startsWith("VALUE ")) {
				String[] tokens = line.split(" ", -1);
				if (tokens.length == 5) {
					int idx = casValues.indexOf(tokens[4]);
					if (idx < 0) {
						casValues.add(tokens[4]);
						idx = casValues.size() - 1;
					}
					tokens[4] = "<cas" + (idx + 1) + ">";
				}
				text.writeBytes(String.join(" ", tokens).getBytes(StandardCharsets.ISO_8859_1));
				text.writeBytes(new byte[] { '\r', '\n' });
				p = eol + 2;
				int bytes = (tokens.length >= 4) ? parseIntOr(tokens[3], -1) : -1;
				if (bytes >= 0) {
					int end = Math.min(response.length, p + bytes + 2);
					text.write(response, p, end - p);
					p = end;
				}
				continue;
			}
			if (isMetaLine(line)) {
				// meta responses carry CAS uniques as "c<digits>" flags (and "cas=<digits>" in "ME")
				String[] tokens = line.split(" ", -1);
				for (int i = line.startsWith("ME ") ? 2 : 1; i < tokens.length; i++) {
					String value = metaCas(tokens[i]);
					if (value == null) {
						continue;
					}
					int idx = casValues.indexOf(value);
					if (idx < 0) {
						casValues.add(value);
						idx = casValues.size() - 1;
					}
					tokens[i] = (tokens[i].startsWith("cas=") ? "cas=" : "c") + "<cas" + (idx + 1) + ">";
				}
				text.writeBytes(String.join(" ", tokens).getBytes(StandardCharsets.ISO_8859_1));
				text.writeBytes(new byte[] { '\r', '\n' });
				p = eol + 2;
				int bytes = (line.startsWith("VA ") && tokens.length >= 2) ? parseIntOr(tokens[1], -1) : -1;
				if (bytes >= 0) {
					int end = Math.min(response.length, p + bytes + 2);
					text.write(response, p, end - p);
					p = end;
				}
				continue;
			}
			if (line.startsWith("VERSION ")) {
				text.writeBytes("VERSION <version>\r\n".getBytes(StandardCharsets.US_ASCII));
				p = eol + 2;
				continue;
			}
			if (cutStats && line.startsWith("STAT ")) {
				Map<String, String> fields = new LinkedHashMap<>();
				int q = p;
				boolean complete = false;
				while (q < response.length) {
					int e = indexOfCrlf(response, q);
					if (e < 0) {
						break;
					}
					String l = new String(response, q, e - q, StandardCharsets.ISO_8859_1);
					if (l.equals("END")) {
						q = e + 2;
						complete = true;
						break;
					}
					if (!l.startsWith("STAT ")) {
						break;
					}
					int sp = l.indexOf(' ', 5);
					String name = (sp < 0) ? l.substring(5) : l.substring(5, sp);
					String value = (sp < 0) ? "" : l.substring(sp + 1);
					fields.put(name, value);
					q = e + 2;
				}
				if (complete) {
					if (text.size() > 0) {
						segments.add(text.toByteArray());
						text.reset();
					}
					segments.add(new StatsBlock(fields));
					p = q;
					continue;
				}
			}
			text.write(response, p, eol + 2 - p);
			p = eol + 2;
		}
		if (text.size() > 0) {
			segments.add(text.toByteArray());
		}
		return new Parsed(segments, casValues);
	}

	/**
	 * One binary response packet as a line: opcode, status, extras, key, value, opaque and the CAS
	 * as a pattern ({@code 0} stays {@code 0}); a Version packet's value becomes {@code <version>}.
	 */
	private static String describeBinary(BinaryPacket.Response r, List<String> casValues) {
		String cas = "0";
		if (r.cas() != 0) {
			String value = Long.toUnsignedString(r.cas());
			int idx = casValues.indexOf(value);
			if (idx < 0) {
				casValues.add(value);
				idx = casValues.size() - 1;
			}
			cas = "<cas" + (idx + 1) + ">";
		}
		String value = (r.opcode() == 0x0b && r.status() == 0) ? "<version>" : Escapes.encode(r.value(), Integer.MAX_VALUE);
		return "BIN " + BinaryPacket.opcodeName(r.opcode()) + " status=" + String.format("%04x", r.status())
				+ " extras=" + Escapes.hex(r.extras(), 4) + " key=" + Escapes.encode(r.key(), Integer.MAX_VALUE) + " value="
				+ value + " opaque=" + String.format("%08x", r.opaque()) + " cas=" + cas
				+ ((r.datatype() != 0) ? " datatype=" + String.format("%02x", r.datatype()) : "") + "\r\n";
	}

	/** The last non-zero CAS of the binary response packets in a raw response, or {@code null}. */
	static Long lastBinaryCas(byte[] response) {
		Long last = null;
		int p = 0;
		BinaryPacket.Response r;
		while ((r = BinaryPacket.responseAt(response, p)) != null) {
			if (r.cas() != 0) {
				last = r.cas();
			}
			p += BinaryPacket.HEADER + (int) r.bodylen();
		}
		return last;
	}

	/** The last CAS unique in a raw response, or {@code null}. */
	static String lastCas(byte[] response) {
		List<String> values = new ArrayList<>();
		int p = 0;
		while (p < response.length) {
			int eol = indexOfCrlf(response, p);
			if (eol < 0) {
				break;
			}
			String line = new String(response, p, eol - p, StandardCharsets.ISO_8859_1);
			p = eol + 2;
			if (isMetaLine(line)) {
				String[] tokens = line.split(" ", -1);
				for (int i = line.startsWith("ME ") ? 2 : 1; i < tokens.length; i++) {
					String value = metaCas(tokens[i]);
					if (value != null) {
						values.add(value);
					}
				}
				int bytes = (line.startsWith("VA ") && tokens.length >= 2) ? parseIntOr(tokens[1], -1) : -1;
				if (bytes >= 0) {
					p = Math.min(response.length, p + bytes + 2);
				}
				continue;
			}
			if (line.startsWith("VALUE ")) {
				String[] tokens = line.split(" ", -1);
				if (tokens.length == 5) {
					values.add(tokens[4]);
				}
				int bytes = (tokens.length >= 4) ? parseIntOr(tokens[3], -1) : -1;
				if (bytes >= 0) {
					p = Math.min(response.length, p + bytes + 2);
				}
			}
		}
		return values.isEmpty() ? null : values.get(values.size() - 1);
	}

	/**
	 * Whether a line is a meta command's status line ({@code VA HD EN NF NS EX ME}, alone or
	 * followed by a space and flags).
	 */
	static boolean isMetaLine(String line) {
		if (line.length() < 2 || (line.length() > 2 && line.charAt(2) != ' ')) {
			return false;
		}
		return switch (line.substring(0, 2)) {
			case "VA", "HD", "EN", "NF", "NS", "EX", "ME" -> true;
			default -> false;
		};
	}

	/** The CAS unique in a meta return flag ({@code c<digits>}, or {@code cas=<digits>} of "ME"), or {@code null}. */
	private static String metaCas(String token) {
		String digits = token.startsWith("cas=") ? token.substring(4)
				: (token.startsWith("c") ? token.substring(1) : null);
		if (digits == null || digits.isEmpty()) {
			return null;
		}
		for (int i = 0; i < digits.length(); i++) {
			if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
				return null;
			}
		}
		return digits;
	}

	private static int parseIntOr(String s, int fallback) {
		try {
			return Integer.parseInt(s);
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	private static int indexOfCrlf(byte[] b, int from) {
		for (int i = from; i + 1 < b.length; i++) {
			if (b[i] == '\r' && b[i + 1] == '\n') {
				return i;
			}
		}
		return -1;
	}

}
