package io.github.memcachedserver.hardening;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.QuitCommand;
import io.github.memcachedserver.command.StorageCommand;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.protocol.PendingValues;
import io.github.memcachedserver.internal.protocol.text.TextCommandDecoder;
import io.github.memcachedserver.internal.protocol.text.TextProtocolLimits;
import io.github.memcachedserver.server.MemcachedServerBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Feeds {@link TextCommandDecoder} random, mutated and truncated input cut at random points:
 * nothing escapes as an exception, nothing hangs, every decoded object is a well-formed
 * command, nothing follows a command that closes the connection, every inbound buffer is
 * released, and how the input is cut does not change what is decoded.
 */
class TextCommandDecoderPropertyTests {

	private static final Pattern ERROR_LINE = Pattern.compile("(ERROR|CLIENT_ERROR|SERVER_ERROR)([ :][\\x20-\\x7e]*)?");

	private static final Duration PER_TRY = Duration.ofSeconds(5);

	@Property(tries = 1000)
	void mutatedPipelinesDecodeToValidCommands(@ForAll("pipelines") byte[] pipeline, @ForAll long seed) {
		Random random = new Random(seed);
		byte[] input = CommandStreams.mutate(pipeline, random);
		decode(input, CommandStreams.split(input, random));
	}

	@Property(tries = 500)
	void randomBytesDecodeToValidCommands(@ForAll("garbage") byte[] garbage, @ForAll long seed) {
		decode(garbage, CommandStreams.split(garbage, new Random(seed)));
	}

	@Property(tries = 300)
	void truncatedPipelinesDecodeToValidCommands(@ForAll("pipelines") byte[] pipeline, @ForAll long seed) {
		Random random = new Random(seed);
		byte[] input = Arrays.copyOf(pipeline, random.nextInt(pipeline.length + 1));
		decode(input, CommandStreams.split(input, random));
	}

	@Property(tries = 500)
	void howTheInputIsCutDoesNotMatter(@ForAll("pipelines") byte[] pipeline, @ForAll long seed) {
		Random random = new Random(seed);
		byte[] input = CommandStreams.mutate(pipeline, random);
		// a line longer than the limit is closed or kept depending on how much of it has arrived,
		// as in memcached, so only inputs below the limit must decode the same whatever the cuts
		if (input.length >= TextProtocolLimits.DEFAULTS.maxLineLength()) {
			input = Arrays.copyOf(input, TextProtocolLimits.DEFAULTS.maxLineLength() - 1);
		}
		List<String> whole = describe(decode(input, List.of(input)));
		List<String> pieces = describe(decode(input, CommandStreams.split(input, random)));
		assertThat(pieces).isEqualTo(whole);
	}

	@Provide
	Arbitrary<byte[]> pipelines() {
		return CommandStreams.streams(12);
	}

	@Provide
	Arbitrary<byte[]> garbage() {
		return CommandStreams.garbage(4096);
	}

	private static List<Object> decode(byte[] input, List<byte[]> chunks) {
		return assertTimeoutPreemptively(PER_TRY, () -> {
			EmbeddedChannel channel = new EmbeddedChannel(new TextCommandDecoder(TextProtocolLimits.DEFAULTS,
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
			assertThat(object).isInstanceOf(MemcachedCommand.class);
			if (object instanceof ErrorReply error) {
				assertThat(error.line().isEmpty() || ERROR_LINE.matcher(error.line()).matches())
					.as("error line '%s'", error.line()).isTrue();
				assertThat(!error.line().isEmpty() || error.closeConnection()).as("silent error closes").isTrue();
			}
			if (object instanceof StorageCommand storage) {
				assertThat(storage.entry().value().length)
					.isLessThanOrEqualTo(TextProtocolLimits.DEFAULTS.maxItemSize());
			}
			assertComponents(object);
			boolean closes = object instanceof QuitCommand || (object instanceof ErrorReply error && error.closeConnection());
			if (closes) {
				assertThat(decoded.subList(i + 1, decoded.size())).as("decoded after the connection closes").isEmpty();
			}
		}
	}

	/** Walks records, lists and keys: every key is 1 to 250 bytes with no space or line end. */
	private static void assertComponents(Object object) {
		if (object instanceof Key key) {
			assertThat(key.length()).as("key length").isBetween(1, 250);
			for (byte b : key.unsafeBytes()) {
				assertThat(b).as("key byte").isNotEqualTo((byte) ' ').isNotEqualTo((byte) '\n');
			}
		}
		else if (object instanceof Entry entry) {
			assertThat(entry.value()).isNotNull();
		}
		else if (object instanceof Collection<?> collection) {
			collection.forEach(TextCommandDecoderPropertyTests::assertComponents);
		}
		else if (object instanceof Record record) {
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				try {
					component.getAccessor().setAccessible(true);
					assertComponents(component.getAccessor().invoke(record));
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	/** A comparable rendering of decoded commands (records holding arrays do not compare by content). */
	private static List<String> describe(List<Object> decoded) {
		List<String> out = new ArrayList<>();
		for (Object object : decoded) {
			out.add(render(object));
		}
		return out;
	}

	private static String render(Object object) {
		if (object instanceof byte[] bytes) {
			return Arrays.toString(bytes);
		}
		if (object instanceof Key key) {
			return "Key" + Arrays.toString(key.unsafeBytes());
		}
		if (object instanceof Collection<?> collection) {
			return collection.stream().map(TextCommandDecoderPropertyTests::render).toList().toString();
		}
		if (object instanceof Record record) {
			StringBuilder text = new StringBuilder(record.getClass().getSimpleName()).append('(');
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				try {
					component.getAccessor().setAccessible(true);
					text.append(component.getName()).append('=').append(render(component.getAccessor().invoke(record))).append(' ');
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
