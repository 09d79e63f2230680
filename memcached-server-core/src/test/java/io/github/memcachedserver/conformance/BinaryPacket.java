package io.github.memcachedserver.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The binary protocol in the {@code .cases} notation: <code>{bin:field=value ...}</code> builds one
 * request packet (24-byte header, then extras, key, value).
 * <p>
 * Fields (all optional): {@code op} (a name such as {@code get}, {@code setq}, {@code gatkq}, or two
 * hex digits), {@code key} and {@code value} (escaped notation, no spaces: use {@code \x20};
 * generators such as <code>{rep:N:x}</code> allowed), {@code extras} (hex, {@code :} and {@code .}
 * ignored), {@code opaque} (hex, up to 8 digits), {@code cas} (decimal, {@code 0x}hex, or
 * {@code last}: the last non-zero CAS the server sent on this connection), {@code magic},
 * {@code datatype} (hex byte), {@code vbucket} (hex), and overrides of the computed lengths
 * {@code keylen}, {@code extlen}, {@code bodylen} (decimal) for malformed packets.
 */
final class BinaryPacket {

	static final int HEADER = 24;

	static final Map<String, Integer> OPCODES = Map.ofEntries(Map.entry("get", 0x00), Map.entry("set", 0x01),
			Map.entry("add", 0x02), Map.entry("replace", 0x03), Map.entry("delete", 0x04), Map.entry("incr", 0x05),
			Map.entry("decr", 0x06), Map.entry("quit", 0x07), Map.entry("flush", 0x08), Map.entry("getq", 0x09),
			Map.entry("noop", 0x0a), Map.entry("version", 0x0b), Map.entry("getk", 0x0c), Map.entry("getkq", 0x0d),
			Map.entry("append", 0x0e), Map.entry("prepend", 0x0f), Map.entry("stat", 0x10), Map.entry("setq", 0x11),
			Map.entry("addq", 0x12), Map.entry("replaceq", 0x13), Map.entry("deleteq", 0x14),
			Map.entry("incrq", 0x15), Map.entry("decrq", 0x16), Map.entry("quitq", 0x17), Map.entry("flushq", 0x18),
			Map.entry("appendq", 0x19), Map.entry("prependq", 0x1a), Map.entry("verbosity", 0x1b),
			Map.entry("touch", 0x1c), Map.entry("gat", 0x1d), Map.entry("gatq", 0x1e), Map.entry("gatk", 0x23),
			Map.entry("gatkq", 0x24));

	private BinaryPacket() {
	}

	/** Builds the packet described by the fields of a <code>{bin:...}</code> generator. */
	static byte[] parse(String spec) {
		int magic = 0x80;
		int opcode = 0;
		byte[] key = new byte[0];
		byte[] extras = new byte[0];
		byte[] value = new byte[0];
		long opaque = 0;
		long cas = 0;
		boolean lastCas = false;
		int datatype = 0;
		int vbucket = 0;
		Integer keylen = null;
		Integer extlen = null;
		Long bodylen = null;
		for (String field : fields(spec)) {
			int eq = field.indexOf('=');
			if (eq < 0) {
				throw new IllegalArgumentException("bin field without '=': " + field);
			}
			String name = field.substring(0, eq);
			String v = field.substring(eq + 1);
			switch (name) {
				case "magic" -> magic = Integer.parseInt(v, 16);
				case "op" -> opcode = opcode(v);
				case "key" -> key = Escapes.decode(v);
				case "value" -> value = Escapes.decode(v);
				case "extras" -> extras = hexBytes(v);
				case "opaque" -> opaque = Long.parseLong(v, 16);
				case "cas" -> {
					if (v.equals("last")) {
						lastCas = true;
					}
					else {
						cas = v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16)
								: Long.parseUnsignedLong(v);
					}
				}
				case "datatype" -> datatype = Integer.parseInt(v, 16);
				case "vbucket" -> vbucket = Integer.parseInt(v, 16);
				case "keylen" -> keylen = Integer.parseInt(v);
				case "extlen" -> extlen = Integer.parseInt(v);
				case "bodylen" -> bodylen = Long.parseLong(v);
				default -> throw new IllegalArgumentException("unknown bin field '" + name + "'");
			}
		}
		int body = extras.length + key.length + value.length;
		ByteBuffer header = ByteBuffer.allocate(HEADER);
		header.put((byte) magic);
		header.put((byte) opcode);
		header.putShort((short) ((keylen != null) ? keylen : key.length));
		header.put((byte) ((extlen != null) ? extlen : extras.length));
		header.put((byte) datatype);
		header.putShort((short) vbucket);
		header.putInt((int) ((bodylen != null) ? bodylen : body));
		header.putInt((int) opaque);
		if (!lastCas) {
			header.putLong(cas);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER + body);
		out.write(header.array(), 0, lastCas ? HEADER - 8 : HEADER);
		if (lastCas) {
			out.writeBytes(Escapes.BIN_CAS_PLACEHOLDER);
		}
		out.writeBytes(extras);
		out.writeBytes(key);
		out.writeBytes(value);
		return out.toByteArray();
	}

	private static int opcode(String v) {
		Integer known = OPCODES.get(v.toLowerCase(Locale.ROOT));
		return (known != null) ? known : Integer.parseInt(v, 16);
	}

	static String opcodeName(int opcode) {
		for (Map.Entry<String, Integer> e : OPCODES.entrySet()) {
			if (e.getValue() == opcode) {
				return e.getKey();
			}
		}
		return String.format("%02x", opcode);
	}

	static byte[] hexBytes(String v) {
		String digits = v.replace(":", "").replace(".", "");
		if (digits.length() % 2 != 0) {
			throw new IllegalArgumentException("odd number of hex digits: " + v);
		}
		byte[] b = new byte[digits.length() / 2];
		for (int i = 0; i < b.length; i++) {
			b[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
		}
		return b;
	}

	/** Splits on spaces outside nested braces. */
	private static List<String> fields(String spec) {
		List<String> fields = new ArrayList<>();
		int depth = 0;
		StringBuilder current = new StringBuilder();
		for (int i = 0; i < spec.length(); i++) {
			char c = spec.charAt(i);
			if (c == '\\' && i + 1 < spec.length()) {
				current.append(c).append(spec.charAt(++i));
				continue;
			}
			if (c == '{') {
				depth++;
			}
			else if (c == '}') {
				depth--;
			}
			if (c == ' ' && depth == 0) {
				if (current.length() > 0) {
					fields.add(current.toString());
					current.setLength(0);
				}
				continue;
			}
			current.append(c);
		}
		if (current.length() > 0) {
			fields.add(current.toString());
		}
		return fields;
	}

	/** A response packet as found in a byte stream (lengths as in its header). */
	record Response(int opcode, int keylen, int extlen, int datatype, int status, long bodylen, long opaque, long cas,
			byte[] extras, byte[] key, byte[] value) {
	}

	/**
	 * The complete response packet at {@code offset}, or {@code null} if there are not enough bytes,
	 * or the magic is not 0x81, or the lengths are inconsistent.
	 */
	static Response responseAt(byte[] b, int offset) {
		if (offset + HEADER > b.length || (b[offset] & 0xff) != 0x81) {
			return null;
		}
		ByteBuffer h = ByteBuffer.wrap(b, offset, HEADER);
		h.get();
		int opcode = h.get() & 0xff;
		int keylen = h.getShort() & 0xffff;
		int extlen = h.get() & 0xff;
		int datatype = h.get() & 0xff;
		int status = h.getShort() & 0xffff;
		long bodylen = h.getInt() & 0xffffffffL;
		long opaque = h.getInt() & 0xffffffffL;
		long cas = h.getLong();
		if (keylen + extlen > bodylen || offset + HEADER + bodylen > b.length) {
			return null;
		}
		int p = offset + HEADER;
		byte[] extras = java.util.Arrays.copyOfRange(b, p, p + extlen);
		byte[] key = java.util.Arrays.copyOfRange(b, p + extlen, p + extlen + keylen);
		byte[] value = java.util.Arrays.copyOfRange(b, p + extlen + keylen, (int) (p + bodylen));
		return new Response(opcode, keylen, extlen, datatype, status, bodylen, opaque, cas, extras, key, value);
	}

}
