package io.github.memcachedserver.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of binary-protocol input for the hardening tests, built from the packet layout
 * of memcached-protocol-binary.txt (24-byte header: magic, opcode, key length, extras length,
 * data type, vbucket, total body length, opaque, CAS; then extras, key, value), plus a
 * reader that checks what the server answers is a sequence of well-formed response packets.
 */
final class BinaryPackets {

	static final int HEADER = 24;

	/** Every opcode the protocol defines, plus a few it does not. */
	private static final int[] OPCODES = { Opcodes.GET, Opcodes.GETQ, Opcodes.GETK, Opcodes.GETKQ, Opcodes.SET,
			Opcodes.SETQ, Opcodes.ADD, Opcodes.ADDQ, Opcodes.REPLACE, Opcodes.REPLACEQ, Opcodes.DELETE, Opcodes.DELETEQ,
			Opcodes.INCREMENT, Opcodes.INCREMENTQ, Opcodes.DECREMENT, Opcodes.DECREMENTQ, Opcodes.QUIT, Opcodes.QUITQ,
			Opcodes.FLUSH, Opcodes.FLUSHQ, Opcodes.NOOP, Opcodes.VERSION, Opcodes.APPEND, Opcodes.APPENDQ,
			Opcodes.PREPEND, Opcodes.PREPENDQ, Opcodes.STAT, Opcodes.TOUCH, Opcodes.GAT, Opcodes.GATQ, Opcodes.GATK,
			Opcodes.GATKQ, 0x1b, 0x20, 0x21, 0x22, 0x30, 0x3d, 0x7f, 0xff };

	/** Response statuses named by the protocol (plus memcached's internal error). */
	static final Set<Integer> STATUSES = Set.of(Opcodes.STATUS_OK, Opcodes.STATUS_KEY_NOT_FOUND,
			Opcodes.STATUS_KEY_EXISTS, Opcodes.STATUS_TOO_LARGE, Opcodes.STATUS_INVALID_ARGUMENTS,
			Opcodes.STATUS_NOT_STORED, Opcodes.STATUS_NON_NUMERIC, Opcodes.STATUS_UNKNOWN_COMMAND, 0x82,
			Opcodes.STATUS_INTERNAL_ERROR, Opcodes.STATUS_AUTH_ERROR);

	private BinaryPackets() {
	}

	/** Writes one request packet; the body length is computed unless given. */
	static byte[] packet(int opcode, byte[] extras, byte[] key, byte[] value, int opaque, long cas) {
		ByteBuffer buffer = ByteBuffer.allocate(HEADER + extras.length + key.length + value.length);
		buffer.put((byte) Opcodes.REQUEST_MAGIC)
			.put((byte) opcode)
			.putShort((short) key.length)
			.put((byte) extras.length)
			.put((byte) 0)
			.putShort((short) 0)
			.putInt(extras.length + key.length + value.length)
			.putInt(opaque)
			.putLong(cas)
			.put(extras)
			.put(key)
			.put(value);
		return buffer.array();
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	static byte[] ints(int... values) {
		ByteBuffer buffer = ByteBuffer.allocate(values.length * 4);
		for (int value : values) {
			buffer.putInt(value);
		}
		return buffer.array();
	}

	/** The request examples of memcached-protocol-binary.txt, section 4. */
	static List<byte[]> specExamples() {
		byte[] hello = ascii("Hello");
		byte[] world = ascii("World");
		byte[] none = new byte[0];
		byte[] counter = ByteBuffer.allocate(20).putLong(1).putLong(0).putInt(0xe10).array();
		return List.of(packet(Opcodes.GET, none, hello, none, 0, 0), packet(Opcodes.GETK, none, hello, none, 0, 0),
				packet(Opcodes.ADD, ints(0xdeadbeef, 0xe10), hello, world, 0, 0),
				packet(Opcodes.DELETE, none, hello, none, 0, 0), packet(Opcodes.INCREMENT, counter, ascii("counter"), none, 0, 0),
				packet(Opcodes.QUIT, none, none, none, 0, 0), packet(Opcodes.FLUSH, ints(0), none, none, 0, 0),
				packet(Opcodes.NOOP, none, none, none, 0, 0), packet(Opcodes.VERSION, none, none, none, 0, 0),
				packet(Opcodes.APPEND, none, hello, ascii("!"), 0, 0), packet(Opcodes.STAT, none, none, none, 0, 0));
	}

	static Arbitrary<byte[]> keys() {
		return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)
			.map(BinaryPackets::ascii)), Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(248).ofMaxSize(252)),
				Tuple.of(1, Arbitraries.just(new byte[0])));
	}

	/**
	 * One request with the lengths the protocol asks for its opcode (so mostly valid), a
	 * value of a few bytes for the commands that carry one, a random opaque and sometimes a CAS.
	 */
	static Arbitrary<byte[]> requests() {
		Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(48);
		Arbitrary<Long> cas = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0L)), Tuple.of(1, Arbitraries.longs()));
		return Combinators.combine(Arbitraries.integers().between(0, OPCODES.length - 1).map((i) -> OPCODES[i]), keys(), values, Arbitraries.integers(), cas)
			.as(BinaryPackets::request);
	}

	private static byte[] request(int opcode, byte[] key, byte[] value, int opaque, long cas) {
		byte[] none = new byte[0];
		return switch (Opcodes.plain(opcode)) {
			case Opcodes.SET, Opcodes.ADD, Opcodes.REPLACE ->
				packet(opcode, ints(opaque & 0xff, 0), key, value, opaque, cas);
			case Opcodes.APPEND, Opcodes.PREPEND -> packet(opcode, none, key, value, opaque, cas);
			case Opcodes.INCREMENT, Opcodes.DECREMENT ->
				packet(opcode, ByteBuffer.allocate(20).putLong(value.length).putLong(opaque & 0xffff).putInt(0).array(),
						key, none, opaque, 0);
			case Opcodes.QUIT, Opcodes.NOOP, Opcodes.VERSION -> packet(opcode, none, none, none, opaque, 0);
			// no delayed flush: one could empty the store under a later well-behaved client's feet
			case Opcodes.FLUSH -> packet(opcode, ((opaque & 1) == 0) ? none : ints(0), none, none, opaque, 0);
			case Opcodes.STAT -> packet(opcode, none, ((opaque & 1) == 0) ? none : ascii("settings"), none, opaque, 0);
			case Opcodes.TOUCH, Opcodes.GAT, Opcodes.GATK -> packet(opcode, ints(opaque & 0xff), key, none, opaque, 0);
			case Opcodes.GET, Opcodes.GETK, Opcodes.DELETE -> packet(opcode, none, key, none, opaque, 0);
			default -> packet(opcode, none, key, value, opaque, cas);
		};
	}

	/** Several requests, each possibly with a header field rewritten, one after another. */
	static Arbitrary<List<byte[]>> pipelines(int maxRequests) {
		Arbitrary<byte[]> one = Arbitraries.frequencyOf(Tuple.of(60, requests()),
				Tuple.of(3, Arbitraries.of(specExamples())), Tuple.of(1, largeValues()));
		return one.list().ofMinSize(1).ofMaxSize(maxRequests);
	}

	/**
	 * A storage request whose item is within two bytes of the 1 MB item size limit, either
	 * side of it (memcached's accounting, {@link io.github.memcachedserver.store.ItemSize}).
	 */
	static Arbitrary<byte[]> largeValues() {
		return Combinators.combine(Arbitraries.of(Opcodes.SET, Opcodes.SETQ, Opcodes.ADD, Opcodes.APPEND),
				Arbitraries.integers().between(-2, 2), Arbitraries.integers().between(0, 1))
			.as((opcode, delta, flags) -> {
				byte[] key = ascii("big");
				boolean storage = Opcodes.plain(opcode) != Opcodes.APPEND;
				int flagBytes = (storage && flags != 0) ? 4 : 0;
				int length = 1024 * 1024 - (48 + 8 + key.length + 1 + 2 + flagBytes) + delta;
				byte[] extras = storage ? ints(flags, 0) : new byte[0];
				return packet(opcode, extras, key, new byte[length], delta, 0);
			});
	}

	/**
	 * Rewrites header fields of some packets (key length, extras length, body length, magic,
	 * opcode), joins them, then applies the byte-level edits of {@link CommandStreams#mutate}.
	 */
	static byte[] mutate(List<byte[]> packets, Random random) {
		List<byte[]> edited = new ArrayList<>();
		for (byte[] original : packets) {
			edited.add(original.clone());
		}
		int edits = random.nextInt(3);
		for (int e = 0; e < edits; e++) {
			byte[] packet = edited.get(random.nextInt(edited.size()));
			{
				ByteBuffer header = ByteBuffer.wrap(packet);
				switch (random.nextInt(7)) {
					case 0 -> header.putShort(2, (short) nearby(header.getShort(2) & 0xffff, random, 0xffff));
					case 1 -> header.put(4, (byte) nearby(header.get(4) & 0xff, random, 0xff));
					case 2 -> header.putInt(8, (int) nearby(header.getInt(8) & 0xffffffffL, random, 0xffffffffL));
					case 3 -> header.put(1, (byte) random.nextInt(256));
					case 4 -> header.put(0, (byte) random.nextInt(256));
					case 5 -> header.putInt(8, random.nextBoolean() ? 1024 * 1024 + random.nextInt(64) : Integer.MAX_VALUE
							+ random.nextInt(3));
					default -> header.put(HEADER - 1 - random.nextInt(HEADER), (byte) random.nextInt(256));
				}
			}
		}
		byte[] joined = CommandStreams.concat(edited);
		// (byte-level edits work on a list of boxed bytes: spare the megabyte values)
		return (random.nextInt(3) == 0 && joined.length < 64 * 1024) ? CommandStreams.mutate(joined, random) : joined;
	}

	private static long nearby(long value, Random random, long max) {
		long changed = switch (random.nextInt(4)) {
			case 0 -> value + 1 + random.nextInt(4);
			case 1 -> value - 1 - random.nextInt(4);
			case 2 -> random.nextLong() & max;
			default -> max;
		};
		return Math.max(0, Math.min(max, changed));
	}

	/** Random bytes that start with the request magic, so a server picks the binary decoder. */
	static Arbitrary<byte[]> garbage(int maxLength) {
		return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(maxLength).map((bytes) -> {
			bytes[0] = (byte) Opcodes.REQUEST_MAGIC;
			return bytes;
		});
	}

	/** One response packet as read back. */
	record Response(int opcode, int keyLength, int extrasLength, int status, int opaque, long cas, byte[] body) {

		byte[] value() {
			return Arrays.copyOfRange(this.body, this.extrasLength + this.keyLength, this.body.length);
		}

	}

	/**
	 * Parses what the server sent as binary response packets.
	 * @param bytes the stream
	 * @param mayBeTruncated whether the stream may stop inside a packet (it ended by a reset)
	 * @return the packets
	 * @throws AssertionError when something is not a well-formed response packet
	 */
	static List<Response> parse(byte[] bytes, boolean mayBeTruncated) {
		List<Response> responses = new ArrayList<>();
		ByteBuffer in = ByteBuffer.wrap(bytes);
		while (in.hasRemaining()) {
			if (in.remaining() < HEADER) {
				check(mayBeTruncated, "stream ends inside a header after " + responses.size() + " packets");
				break;
			}
			int start = in.position();
			int magic = in.get() & 0xff;
			int opcode = in.get() & 0xff;
			int keyLength = in.getShort() & 0xffff;
			int extrasLength = in.get() & 0xff;
			int dataType = in.get() & 0xff;
			int status = in.getShort() & 0xffff;
			long bodyLength = in.getInt() & 0xffffffffL;
			int opaque = in.getInt();
			long cas = in.getLong();
			check(magic == Opcodes.RESPONSE_MAGIC, "magic 0x" + Integer.toHexString(magic) + " at " + start);
			check(dataType == 0, "data type " + dataType + " at " + start);
			check(STATUSES.contains(status), "status 0x" + Integer.toHexString(status) + " at " + start);
			check(keyLength + extrasLength <= bodyLength, "key and extras longer than the body at " + start);
			if (in.remaining() < bodyLength) {
				check(mayBeTruncated, "stream ends inside a body at " + start);
				break;
			}
			byte[] body = new byte[(int) bodyLength];
			in.get(body);
			responses.add(new Response(opcode, keyLength, extrasLength, status, opaque, cas, body));
		}
		return responses;
	}

	/** Reads exactly one response packet from a blocking stream. */
	static Response read(InputStream in) throws IOException {
		byte[] header = in.readNBytes(HEADER);
		if (header.length < HEADER) {
			throw new IOException("end of stream inside a header (" + header.length + " bytes)");
		}
		int bodyLength = ByteBuffer.wrap(header).getInt(8);
		byte[] body = in.readNBytes(bodyLength);
		ByteArrayOutputStream packet = new ByteArrayOutputStream();
		packet.writeBytes(header);
		packet.writeBytes(body);
		List<Response> parsed = parse(packet.toByteArray(), false);
		if (parsed.size() != 1) {
			throw new AssertionError("not one packet: " + parsed);
		}
		return parsed.get(0);
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new AssertionError("malformed binary response: " + message);
		}
	}

}
