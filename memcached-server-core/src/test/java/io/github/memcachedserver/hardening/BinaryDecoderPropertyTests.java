package io.github.memcachedserver.hardening;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.protocol.PendingValues;
import io.github.memcachedserver.internal.protocol.binary.BinaryCommandDecoder;
import io.github.memcachedserver.internal.protocol.binary.BinaryRejection;
import io.github.memcachedserver.internal.protocol.binary.BinaryRequest;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.server.MemcachedServerBuilder;
import io.github.memcachedserver.store.ItemSize;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Feeds {@link BinaryCommandDecoder} random, mutated (header fields rewritten, bytes flipped,
 * inserted, deleted) and truncated binary-protocol input, cut at random points: nothing
 * escapes as an exception, nothing hangs, every decoded object is a {@link BinaryRequest}
 * that obeys its opcode's length rules, a {@link BinaryRejection} or the silent close, nothing
 * is decoded after an object that closes the connection, every inbound buffer is released,
 * and how the input is cut does not change what is decoded.
 */
class BinaryDecoderPropertyTests {

	private static final int MAX_ITEM_SIZE = 1024 * 1024;

	private static final Duration PER_TRY = Duration.ofSeconds(5);

	@Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
	void mutatedPipelinesDecodeToValidRequests(@ForAll("pipelines") List<byte[]> pipeline, @ForAll long seed) {
		Random random = new Random(seed);
		byte[] input = BinaryPackets.mutate(pipeline, random);
		decode(input, CommandStreams.split(input, random));
	}

	@Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
	void randomBytesDecodeToValidRequests(@ForAll("garbage") byte[] garbage, @ForAll long seed) {
		decode(garbage, CommandStreams.split(garbage, new Random(seed)));
	}

	@Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
	void truncatedPipelinesDecodeToValidRequests(@ForAll("pipelines") List<byte[]> pipeline, @ForAll long seed) {
		Random random = new Random(seed);
		byte[] whole = CommandStreams.concat(pipeline);
		byte[] input = Arrays.copyOf(whole, random.nextInt(whole.length + 1));
		decode(input, CommandStreams.split(input, random));
	}

	@Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
	void validPipelinesDecodeOneObjectPerRequest(@ForAll("validPipelines") List<byte[]> pipeline, @ForAll long seed) {
		byte[] input = CommandStreams.concat(pipeline);
		List<Object> decoded = decode(input, CommandStreams.split(input, new Random(seed)));
		// well-formed packets of known opcodes each become one request, in order
		assertThat(decoded).hasSize(pipeline.size());
		for (int i = 0; i < decoded.size(); i++) {
			byte[] packet = pipeline.get(i);
			assertThat(decoded.get(i)).isInstanceOfSatisfying(BinaryRequest.class, (request) -> {
				assertThat(request.opcode()).isEqualTo(packet[1] & 0xff);
				assertThat(request.opaque()).isEqualTo(BinaryDecoderPropertyTests.readInt(packet, 12));
				int extras = packet[4] & 0xff;
				int key = ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
				assertThat(request.extras()).isEqualTo(Arrays.copyOfRange(packet, 24, 24 + extras));
				assertThat((request.key() != null) ? request.key().toByteArray() : new byte[0])
					.isEqualTo(Arrays.copyOfRange(packet, 24 + extras, 24 + extras + key));
				assertThat(request.value()).isEqualTo(Arrays.copyOfRange(packet, 24 + extras + key, packet.length));
			});
		}
	}

	@Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
	void howTheInputIsCutDoesNotMatter(@ForAll("pipelines") List<byte[]> pipeline, @ForAll long seed) {
		Random random = new Random(seed);
		byte[] input = BinaryPackets.mutate(pipeline, random);
		// the binary decoder judges only whole headers and whole key/extras blocks, and copies
		// values as they come, so every input must decode the same however it is cut
		List<String> whole = describe(decode(input, List.of(input)));
		List<String> pieces = describe(decode(input, CommandStreams.split(input, random)));
		assertThat(pieces).isEqualTo(whole);
		if (input.length < 64 * 1024) {
			assertThat(describe(decode(input, bytewise(input)))).isEqualTo(whole);
		}
	}

	@Example
	void specExamplesDecodeToRequests() {
		for (byte[] packet : BinaryPackets.specExamples()) {
			List<Object> decoded = decode(packet, List.of(packet));
			assertThat(decoded).hasSize(1).first().isInstanceOf(BinaryRequest.class);
		}
	}

	@Provide
	Arbitrary<List<byte[]>> pipelines() {
		return BinaryPackets.pipelines(10);
	}

	@Provide
	Arbitrary<List<byte[]>> validPipelines() {
		// keys of 1 to 250 bytes with every opcode's required lengths: nothing to refuse
		return BinaryPackets.requests()
			.filter(BinaryDecoderPropertyTests::wellFormed)
			.list()
			.ofMinSize(1)
			.ofMaxSize(10);
	}

	@Provide
	Arbitrary<byte[]> garbage() {
		return BinaryPackets.garbage(4096);
	}

	private static boolean wellFormed(byte[] packet) {
		int opcode = packet[1] & 0xff;
		int key = ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
		int command = Opcodes.plain(opcode);
		if (!Opcodes.isKnown(command, false) || key > 250) {
			return false;
		}
		boolean keyless = command == Opcodes.QUIT || command == Opcodes.NOOP || command == Opcodes.VERSION
				|| command == Opcodes.FLUSH || command == Opcodes.STAT;
		return keyless || key > 0;
	}

	private static List<byte[]> bytewise(byte[] input) {
		List<byte[]> chunks = new ArrayList<>(input.length);
		for (byte b : input) {
			chunks.add(new byte[] { b });
		}
		return chunks;
	}

	private static List<Object> decode(byte[] input, List<byte[]> chunks) {
		return assertTimeoutPreemptively(PER_TRY, () -> {
			EmbeddedChannel channel = new EmbeddedChannel(new BinaryCommandDecoder(MAX_ITEM_SIZE, false,
					new PendingValues(MemcachedServerBuilder.DEFAULT_MAX_PENDING_VALUE_BYTES), new LongAdder()));
			List<ByteBuf> written = new ArrayList<>();
			List<Object> decoded = new ArrayList<>();
			for (byte[] chunk : chunks) {
				ByteBuf buffer = Unpooled.copiedBuffer(chunk);
				if (chunk.length > 0) {
					// (no bytes gives the shared, never released empty buffer)
					written.add(buffer);
				}
				channel.writeInbound(buffer);
				drain(channel, decoded);
			}
			channel.finish();
			drain(channel, decoded);
			for (ByteBuf buffer : written) {
				assertThat(buffer.refCnt()).as("inbound buffer released").isZero();
			}
			assertValid(decoded);
			return decoded;
		}, () -> "decoder did not finish within " + PER_TRY + " on " + input.length + " bytes");
	}

	private static void drain(EmbeddedChannel channel, List<Object> decoded) {
		Object message;
		while ((message = channel.readInbound()) != null) {
			decoded.add(message);
		}
	}

	private static void assertValid(List<Object> decoded) {
		for (int i = 0; i < decoded.size(); i++) {
			Object object = decoded.get(i);
			assertThat(object).isInstanceOfAny(BinaryRequest.class, BinaryRejection.class, ErrorReply.class);
			boolean closes = false;
			if (object instanceof BinaryRequest request) {
				assertRequest(request);
			}
			else if (object instanceof BinaryRejection rejection) {
				assertRejection(rejection);
				closes = rejection.closeConnection();
			}
			else if (object instanceof ErrorReply error) {
				// the binary decoder's only error is hanging up without an answer
				assertThat(error.line()).as("binary close carries no text line").isEmpty();
				assertThat(error.closeConnection()).as("silent error closes").isTrue();
				closes = true;
			}
			if (closes) {
				assertThat(decoded.subList(i + 1, decoded.size())).as("decoded after the connection closes").isEmpty();
			}
		}
	}

	/** The length rules of memcached-protocol-binary.txt (as memcached 1.6 enforces them). */
	private static void assertRequest(BinaryRequest request) {
		int command = request.command();
		assertThat(Opcodes.isKnown(command, false)).as("known opcode 0x%x", request.opcode()).isTrue();
		assertThat(command).isEqualTo(Opcodes.plain(request.opcode()));
		assertThat(request.quiet()).isEqualTo(command != request.opcode());
		Key key = request.key();
		int keyLength = (key != null) ? key.length() : 0;
		if (key != null) {
			assertThat(key.length()).as("key length").isBetween(1, 250);
		}
		int extras = request.extras().length;
		int value = request.value().length;
		switch (command) {
			case Opcodes.GET, Opcodes.GETK, Opcodes.DELETE -> assertLengths(request, extras == 0 && keyLength > 0 && value == 0);
			case Opcodes.SET, Opcodes.ADD, Opcodes.REPLACE -> {
				assertLengths(request, extras == 8 && keyLength > 0);
				assertThat(ItemSize.of(keyLength, value, BinaryCommandDecoder.readInt(request.extras(), 0)))
					.as("item size").isLessThanOrEqualTo(MAX_ITEM_SIZE);
			}
			case Opcodes.APPEND, Opcodes.PREPEND -> {
				assertLengths(request, extras == 0 && keyLength > 0);
				assertThat(ItemSize.of(keyLength, value, 0)).as("item size").isLessThanOrEqualTo(MAX_ITEM_SIZE);
			}
			case Opcodes.INCREMENT, Opcodes.DECREMENT -> assertLengths(request, extras == 20 && keyLength > 0 && value == 0);
			case Opcodes.QUIT, Opcodes.NOOP, Opcodes.VERSION -> assertLengths(request, extras == 0 && key == null && value == 0);
			case Opcodes.FLUSH -> assertLengths(request, (extras == 0 || extras == 4) && key == null && value == 0);
			case Opcodes.STAT -> assertLengths(request, extras == 0 && value == 0);
			case Opcodes.TOUCH, Opcodes.GAT, Opcodes.GATK -> assertLengths(request, extras == 4 && keyLength > 0 && value == 0);
			default -> throw new AssertionError("unexpected command " + command);
		}
	}

	private static void assertLengths(BinaryRequest request, boolean valid) {
		assertThat(valid).as("lengths of %s: extras %d, key %s, value %d", request.name(), request.extras().length,
				(request.key() != null) ? request.key().length() : "none", request.value().length).isTrue();
	}

	private static void assertRejection(BinaryRejection rejection) {
		assertThat(rejection.status()).isIn(Opcodes.STATUS_UNKNOWN_COMMAND, Opcodes.STATUS_INVALID_ARGUMENTS,
				Opcodes.STATUS_TOO_LARGE);
		if (rejection.status() == Opcodes.STATUS_TOO_LARGE) {
			// the body is thrown away unread, the connection stays
			assertThat(rejection.closeConnection()).isFalse();
		}
		if (rejection.status() == Opcodes.STATUS_INVALID_ARGUMENTS) {
			assertThat(rejection.closeConnection()).isTrue();
		}
		if (rejection.staleKey() != null) {
			assertThat(rejection.status()).isEqualTo(Opcodes.STATUS_TOO_LARGE);
			assertThat(Opcodes.plain(rejection.opcode())).isEqualTo(Opcodes.SET);
			assertThat(rejection.staleKey().length()).isBetween(1, 250);
		}
	}

	private static int readInt(byte[] bytes, int offset) {
		return BinaryCommandDecoder.readInt(bytes, offset);
	}

	/** A comparable rendering of decoded objects (records holding arrays do not compare by content). */
	private static List<String> describe(List<Object> decoded) {
		List<String> out = new ArrayList<>();
		for (Object object : decoded) {
			out.add(render(object));
		}
		return out;
	}

	private static String render(Object object) {
		if (object instanceof byte[] bytes) {
			return bytes.length + ":" + java.util.Base64.getEncoder().encodeToString(bytes);
		}
		if (object instanceof Key key) {
			return "Key" + Arrays.toString(key.unsafeBytes());
		}
		if (object instanceof Record record) {
			StringBuilder text = new StringBuilder(record.getClass().getSimpleName()).append('(');
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				try {
					text.append(component.getName()).append('=').append(render(component.getAccessor().invoke(record)))
						.append(' ');
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			}
			return text.append(')').toString();
		}
		return String.valueOf(object);
	}

}
