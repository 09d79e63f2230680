package io.github.memcachedserver.internal.protocol.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import io.github.memcachedserver.command.ArithmeticCommand;
import io.github.memcachedserver.command.DeleteCommand;
import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.RefusedStorageCommand;
import io.github.memcachedserver.command.RefusedStorageCommand.Refusal;
import io.github.memcachedserver.command.RetrievalCommand;
import io.github.memcachedserver.command.StatsCommand;
import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.command.StorageCommand;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.protocol.PendingValues;
import io.github.memcachedserver.server.MemcachedServerBuilder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextCommandDecoderTests {

	private static final String PIPELINE = "set k 5 0 4\r\na\r\n\0\r\nget k other\r\nincr n 18446744073709551615 noreply\r\n"
			+ "delete k\r\nbogus\r\nset big 0 0 2000000\r\n";

	@Test
	void decodesAPipelineInOnePacket() {
		List<MemcachedCommand> commands = decode(List.of(PIPELINE));
		assertThat(commands).hasSize(5);
		StorageCommand set = (StorageCommand) commands.get(0);
		assertThat(set.mode()).isEqualTo(StorageMode.SET);
		assertThat(set.key()).isEqualTo(Key.of("k"));
		assertThat(set.entry().value()).isEqualTo("a\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
		assertThat(set.entry().flags()).isEqualTo(5);
		assertThat(((RetrievalCommand) commands.get(1)).keys()).containsExactly(Key.of("k"), Key.of("other"));
		ArithmeticCommand incr = (ArithmeticCommand) commands.get(2);
		assertThat(incr.delta()).isEqualTo(-1L);
		assertThat(incr.noreply()).isTrue();
		assertThat(commands.get(3)).isInstanceOf(DeleteCommand.class);
		assertThat(commands.get(4)).isEqualTo(ErrorReply.ERROR);
	}

	@Test
	void decodesTheSameCommandsWhateverTheSplit() {
		String input = PIPELINE.substring(0, PIPELINE.indexOf("set big"));
		String expected = describe(decode(List.of(input)));
		for (int split = 1; split < input.length(); split++) {
			List<String> parts = List.of(input.substring(0, split), input.substring(split));
			assertThat(describe(decode(parts))).as("split at %d", split).isEqualTo(expected);
		}
		List<String> bytes = new ArrayList<>();
		for (char c : input.toCharArray()) {
			bytes.add(String.valueOf(c));
		}
		assertThat(describe(decode(bytes))).isEqualTo(expected);
	}

	@Test
	void refusesAnOversizedValueWithoutBufferingItAndAnswersOnceItIsSwallowed() {
		EmbeddedChannel channel = new EmbeddedChannel(new TextCommandDecoder(TextProtocolLimits.DEFAULTS,
				new PendingValues(MemcachedServerBuilder.DEFAULT_MAX_PENDING_VALUE_BYTES), new LongAdder()));
		channel.writeInbound(Unpooled.copiedBuffer("set big 0 0 2000000\r\n" + "x".repeat(1000), StandardCharsets.US_ASCII));
		assertThat((Object) channel.readInbound()).isNull();
		assertThat(channel.finish()).isFalse();
		List<MemcachedCommand> commands = decode(List.of("set big 0 0 2000000\r\n", "x".repeat(1000),
				"x".repeat(2000000 - 1000) + "\r\nget a\r\n"));
		assertThat(commands.get(0)).isInstanceOf(RefusedStorageCommand.class);
		assertThat(commands.get(1)).isInstanceOf(RetrievalCommand.class);
	}

	@Test
	void answersBadDataChunkAndParsesWhatFollows() {
		List<MemcachedCommand> commands = decode(List.of("set k 0 0 3\r\nabcde\r\n"));
		assertThat(commands).containsExactly(
				new RefusedStorageCommand(StorageMode.SET, Key.of("k"), false, Refusal.BAD_DATA_CHUNK, false),
				ErrorReply.ERROR);
	}

	@Test
	void answersAMetaSetsBadDataChunkEvenInQuietMode() {
		List<MemcachedCommand> commands = decode(List.of("ms k 3 q\r\nabcde\r\n"));
		assertThat(commands.get(0))
			.isEqualTo(new RefusedStorageCommand(StorageMode.SET, Key.of("k"), false, Refusal.BAD_DATA_CHUNK, true));
	}

	@Test
	void keepsTheWordAfterAStatsGroup() {
		assertThat(decode(List.of("stats detail dump extra\r\nstats detail\r\nstats\r\n"))).containsExactly(
				new StatsCommand("detail", "dump"), new StatsCommand("detail", ""), new StatsCommand("", ""));
	}

	@Test
	void swallowsTheDataOfARefusedStorageLine() {
		List<MemcachedCommand> commands = decode(List.of("set " + "k".repeat(251) + " 0 0 5\r\nhello\r\nget a\r\n"));
		assertThat(commands).hasSize(2);
		assertThat(commands.get(0)).isEqualTo(ErrorReply.of("CLIENT_ERROR bad command line format", false));
		assertThat(commands.get(1)).isInstanceOf(RetrievalCommand.class);
	}

	@Test
	void readsTheKeysBeforeAnOverlongOneUnansweredThenRefusesTheLine() {
		String longKey = "k".repeat(251);
		assertThat(decode(List.of("gat 10 a b " + longKey + " c\r\nget " + longKey + " a\r\n"))).containsExactly(
				new RetrievalCommand(List.of(Key.of("a"), Key.of("b")), false, true, 10, true),
				ErrorReply.of("CLIENT_ERROR bad command line format", false),
				ErrorReply.of("CLIENT_ERROR bad command line format", false));
	}

	@Test
	void closesOnARunawayLineThatIsNotAGet() {
		List<MemcachedCommand> commands = decode(List.of("set " + "k".repeat(3000)));
		assertThat(commands).containsExactly(ErrorReply.CLOSE);
	}

	@Test
	void keepsReadingALongMultiGet() {
		StringBuilder line = new StringBuilder("get");
		for (int i = 0; i < 500; i++) {
			line.append(" key").append(i);
		}
		List<MemcachedCommand> commands = decode(List.of(line.substring(0, 3000), line.substring(3000) + "\r\n"));
		assertThat(((RetrievalCommand) commands.get(0)).keys()).hasSize(500);
	}

	private static List<MemcachedCommand> decode(List<String> packets) {
		EmbeddedChannel channel = new EmbeddedChannel(new TextCommandDecoder(TextProtocolLimits.DEFAULTS,
				new PendingValues(MemcachedServerBuilder.DEFAULT_MAX_PENDING_VALUE_BYTES), new LongAdder()));
		for (String packet : packets) {
			channel.writeInbound(Unpooled.copiedBuffer(packet, StandardCharsets.ISO_8859_1));
		}
		List<MemcachedCommand> commands = new ArrayList<>();
		for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
			commands.add((MemcachedCommand) message);
		}
		assertThat(channel.finish()).isFalse();
		return commands;
	}

	private static String describe(List<MemcachedCommand> commands) {
		StringBuilder out = new StringBuilder();
		for (MemcachedCommand command : commands) {
			if (command instanceof StorageCommand storage) {
				out.append(storage.mode()).append(' ').append(storage.key()).append(' ')
					.append(new String(storage.entry().value(), StandardCharsets.ISO_8859_1)).append('|');
			}
			else {
				out.append(command).append('|');
			}
		}
		return out.toString();
	}

}
