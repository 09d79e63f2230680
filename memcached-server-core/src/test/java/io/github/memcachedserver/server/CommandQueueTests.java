package io.github.memcachedserver.server;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.memcachedserver.command.DeleteCommand;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.QuitCommand;
import io.github.memcachedserver.command.RetrievalCommand;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.internal.protocol.HeldAnswers;
import io.github.memcachedserver.internal.protocol.ProtocolDetector;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ordered reply queue on an {@link EmbeddedChannel}: which commands run when, and which
 * answers leave when. Commands named {@code slow:*} answer only when the test completes them.
 */
class CommandQueueTests {

	private final ClientConnection connection = new ClientConnection(
			new Session(1, new InetSocketAddress(0), new InetSocketAddress(0)), 0, new ConcurrentMapMemcachedStore(),
			OutOfMemoryExit.DISABLED);

	/** The commands started, in the order they started. */
	private final List<String> startedCommands = new ArrayList<>();

	private final Map<String, Sinks.One<ByteBuf>> slowAnswers = new HashMap<>();

	/** How often the queue said that what could start together has started. */
	private final AtomicInteger batches = new AtomicInteger();

	private EmbeddedChannel channel;

	@BeforeEach
	void openChannel() {
		this.channel = new EmbeddedChannel(queue(this::run, this.batches::incrementAndGet,
				(command) -> command instanceof QuitCommand));
	}

	@AfterEach
	void closeChannel() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void answersOfOneReadLeaveInOneWriteWhenTheReadEnds() {
		this.channel.pipeline().fireChannelRead(get("a"));
		this.channel.pipeline().fireChannelRead(delete("b"));
		this.channel.pipeline().fireChannelRead(get("c"));
		assertThat(written()).isEmpty();
		this.channel.pipeline().fireChannelReadComplete();
		assertThat(written()).containsExactly("get a\r\ndelete b\r\nget c\r\n");
	}

	@Test
	void theOneAnswerOfAReadLeavesAsItCame() {
		ByteBuf answer = text("VALUE a 0 1\r\n1\r\nEND\r\n");
		runWith((command) -> Mono.just(answer));
		read(get("a"));
		ByteBuf write = this.channel.readOutbound();
		assertThat(write).isSameAs(answer);
		write.release();
	}

	@Test
	void aSecondAnswerJoinsTheFirstAndTheFirstIsReleased() {
		List<ByteBuf> answers = new ArrayList<>();
		runWith((command) -> {
			ByteBuf answer = text(describe(command) + "\r\n");
			answers.add(answer);
			return Mono.just(answer);
		});
		read(get("a"), get("b"));
		assertThat(written()).containsExactly("get a\r\nget b\r\n");
		assertThat(answers).extracting(ByteBuf::refCnt).containsExactly(0, 0);
	}

	@Test
	void batchedReadsGoOutOnceTheReadsOfASocketReadHaveStarted() {
		this.channel.pipeline().fireChannelRead(get("slow:1"));
		this.channel.pipeline().fireChannelRead(get("slow:2"));
		assertThat(this.batches).hasValue(0);
		this.channel.pipeline().fireChannelReadComplete();
		assertThat(this.batches).hasValue(1);
		// a write that a finished read lets start is another such moment
		read(delete("slow:3"));
		int before = this.batches.get();
		complete("slow:1");
		complete("slow:2");
		assertThat(this.batches.get()).isGreaterThan(before);
		assertThat(this.startedCommands).contains("delete slow:3");
	}

	@Test
	void aLateAnswerHoldsBackTheAnswersAfterIt() {
		read(get("a"), get("slow:1"), get("b"));
		assertThat(written()).containsExactly("get a\r\n");
		complete("slow:1");
		assertThat(written()).containsExactly("get slow:1\r\nget b\r\n");
	}

	@Test
	void consecutiveReadsRunConcurrentlyAndAnswerInOrder() {
		read(get("slow:1"), get("slow:2"), get("slow:3"));
		assertThat(this.startedCommands).containsExactly("get slow:1", "get slow:2", "get slow:3");
		complete("slow:3");
		complete("slow:2");
		assertThat(written()).isEmpty();
		complete("slow:1");
		assertThat(written()).containsExactly("get slow:1\r\nget slow:2\r\nget slow:3\r\n");
	}

	@Test
	void aWriteWaitsForEarlierReadsAndLaterReadsWaitForTheWrite() {
		read(get("slow:1"), delete("slow:2"), get("a"));
		assertThat(this.startedCommands).containsExactly("get slow:1");
		complete("slow:1");
		assertThat(this.startedCommands).containsExactly("get slow:1", "delete slow:2");
		complete("slow:2");
		assertThat(this.startedCommands).containsExactly("get slow:1", "delete slow:2", "get a");
		assertThat(written()).containsExactly("get slow:1\r\ndelete slow:2\r\nget a\r\n");
	}

	@Test
	void nothingAfterACommandThatEndsTheConnectionRuns() {
		read(get("slow:1"), new QuitCommand(), get("a"));
		assertThat(this.startedCommands).containsExactly("get slow:1");
		assertThat(this.channel.isOpen()).isTrue();
		complete("slow:1");
		assertThat(this.startedCommands).containsExactly("get slow:1", "quit");
		assertThat(written()).containsExactly("get slow:1\r\n");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void aCommandThatAsksToCloseClosesOnceItsAnswerIsWritten() {
		read(get("slow:1"), delete("closing"), get("a"));
		complete("slow:1");
		assertThat(written()).containsExactly("get slow:1\r\ndelete closing\r\n");
		assertThat(this.startedCommands).doesNotContain("get a");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void nothingStartsAfterAReadThatAsksToClose() {
		read(get("slow:1"), get("closing"), get("a"));
		assertThat(this.startedCommands).containsExactly("get slow:1", "get closing");
		complete("slow:1");
		assertThat(written()).containsExactly("get slow:1\r\nget closing\r\n");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void theEndOfCommandsClosesOnceEveryEarlierAnswerIsWritten() {
		read(get("slow:1"));
		this.channel.pipeline().fireChannelRead(CommandQueue.END_OF_COMMANDS);
		assertThat(this.channel.isOpen()).isTrue();
		complete("slow:1");
		assertThat(written()).containsExactly("get slow:1\r\n");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void theEndOfTheClientsInputClosesOnceEveryEarlierAnswerIsWritten() {
		read(get("slow:1"), get("a"));
		this.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
		complete("slow:1");
		assertThat(written()).containsExactly("get slow:1\r\nget a\r\n");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void aFullQueueStopsReadingUntilItDrains() {
		read(get("slow:1"), get("slow:2"), get("slow:3"));
		assertThat(this.channel.config().isAutoRead()).isTrue();
		read(get("slow:4"));
		assertThat(this.channel.config().isAutoRead()).isFalse();
		complete("slow:1");
		assertThat(this.channel.config().isAutoRead()).isTrue();
	}

	@Test
	void theHeadsAnswerIsPulledPartByPartOnlyWhileTheChannelTakesWrites() {
		List<Integer> requested = new ArrayList<>();
		Flux<ByteBuf> parts = Flux.range(1, 3)
			.doOnRequest((n) -> requested.add((int) n))
			.map((i) -> text("part" + i + "\r\n"));
		this.channel = new EmbeddedChannel(queue((command) -> parts, () -> {
		}, (command) -> false));
		this.channel.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
		// an unflushed byte above the high water mark: the channel takes no more writes
		this.channel.write(Unpooled.wrappedBuffer(new byte[8]));
		assertThat(this.channel.isWritable()).isFalse();
		this.channel.pipeline().fireChannelRead(get("a"));
		// a command queued while the channel is full does not start
		assertThat(requested).isEmpty();
		this.channel.flush();
		this.channel.releaseOutbound();
		assertThat(this.channel.isWritable()).isTrue();
		this.channel.pipeline().fireChannelReadComplete();
		assertThat(requested).containsOnly(1);
		assertThat(written()).containsExactly("part1\r\npart2\r\npart3\r\n");
	}

	@Test
	void answersThatArriveAfterTheConnectionClosedAreReleased() {
		List<Subscriber<? super ByteBuf>> subscribers = new ArrayList<>();
		// a publisher that answers even once cancelled, as a slow backend may
		Publisher<ByteBuf> stubborn = (subscriber) -> {
			subscribers.add(subscriber);
			subscriber.onSubscribe(Operators.emptySubscription());
		};
		this.channel = new EmbeddedChannel(queue((command) -> stubborn, () -> {
		}, (command) -> false));
		read(get("a"));
		this.channel.close();
		ByteBuf late = text("late\r\n");
		subscribers.get(0).onNext(late);
		assertThat(late.refCnt()).isZero();
	}

	@Test
	void answersTheDecoderHoldsBackWaitUntilItLetsThemGo() {
		HoldingDecoder decoder = holdingDecoder(2);
		read(delete("a"), delete("b"), delete("c"));
		assertThat(written()).containsExactly("delete a\r\n");
		decoder.held = 0;
		read(delete("d"));
		assertThat(written()).containsExactly("delete b\r\ndelete c\r\ndelete d\r\n");
	}

	@Test
	void answersHeldBackWhenTheInputEndsAreDroppedAndTheConnectionCloses() {
		holdingDecoder(2);
		read(delete("a"), get("slow:b"), delete("c"));
		this.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
		ByteBuf late = text("late\r\n");
		this.slowAnswers.get("get slow:b").tryEmitValue(late);
		assertThat(written()).containsExactly("delete a\r\n");
		assertThat(late.refCnt()).isZero();
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void heldAnswersDoNotStopTheReadingThatLetsThemGo() {
		holdingDecoder(5);
		read(delete("a"), delete("b"), delete("c"), delete("d"), delete("e"));
		assertThat(written()).isEmpty();
		assertThat(this.channel.config().isAutoRead()).isTrue();
	}

	/** Puts a decoder that holds back the given number of the newest answers in front of the queue. */
	private HoldingDecoder holdingDecoder(int held) {
		HoldingDecoder decoder = new HoldingDecoder();
		decoder.held = held;
		this.channel.pipeline().addFirst(ProtocolDetector.DECODER_NAME, decoder);
		return decoder;
	}

	/** Replaces the channel with one whose commands the given runner answers. */
	private void runWith(Function<MemcachedCommand, Publisher<ByteBuf>> runner) {
		this.channel.finishAndReleaseAll();
		this.channel = new EmbeddedChannel(queue(runner, this.batches::incrementAndGet, (command) -> false));
	}

	/** A queue of four commands at most on the test's connection. */
	private CommandQueue queue(Function<MemcachedCommand, Publisher<ByteBuf>> run, Runnable startedTogether,
			Predicate<MemcachedCommand> endsConnection) {
		CommandRunner runner = new CommandRunner() {

			@Override
			public Publisher<ByteBuf> run(MemcachedCommand command, ClientConnection connection,
					ByteBufAllocator allocator) {
				return run.apply(command);
			}

			@Override
			public void startedTogether(ClientConnection connection) {
				startedTogether.run();
			}

			@Override
			public boolean endsConnection(MemcachedCommand command) {
				return endsConnection.test(command);
			}

		};
		return new CommandQueue(this.connection, runner, 4, new LongAdder());
	}

	private void read(MemcachedCommand... commands) {
		for (MemcachedCommand command : commands) {
			this.channel.pipeline().fireChannelRead(command);
		}
		this.channel.pipeline().fireChannelReadComplete();
	}

	private Publisher<ByteBuf> run(MemcachedCommand command) {
		String name = describe(command);
		this.startedCommands.add(name);
		if (name.endsWith(" closing")) {
			this.connection.closeAfterResponse();
		}
		if (name.contains("slow:")) {
			Sinks.One<ByteBuf> answer = Sinks.one();
			this.slowAnswers.put(name, answer);
			return answer.asMono();
		}
		return (command instanceof QuitCommand) ? Mono.empty() : Mono.just(text(name + "\r\n"));
	}

	private void complete(String key) {
		String name = this.slowAnswers.containsKey("get " + key) ? "get " + key : "delete " + key;
		this.slowAnswers.get(name).tryEmitValue(text(name + "\r\n"));
	}

	private static String describe(MemcachedCommand command) {
		if (command instanceof RetrievalCommand get) {
			return "get " + get.keys().get(0);
		}
		if (command instanceof DeleteCommand delete) {
			return "delete " + delete.key();
		}
		return command.name();
	}

	private static RetrievalCommand get(String key) {
		return new RetrievalCommand(List.of(Key.of(key)), false, false, 0);
	}

	private static DeleteCommand delete(String key) {
		return new DeleteCommand(Key.of(key), false);
	}

	/** An answer in direct memory, as the server's answers are. */
	private static ByteBuf text(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
		return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
	}

	private static final class HoldingDecoder extends ChannelInboundHandlerAdapter implements HeldAnswers {

		int held;

		@Override
		public int heldAnswers() {
			return this.held;
		}

		@Override
		public boolean writesBack(MemcachedCommand command, ByteBuf answer) {
			return false;
		}

	}

	/** The writes that reached the socket so far, each as text, taken out of the channel. */
	private List<String> written() {
		this.channel.runPendingTasks();
		List<String> writes = new ArrayList<>();
		ByteBuf write;
		while ((write = this.channel.readOutbound()) != null) {
			if (write.isReadable()) {
				writes.add(write.toString(StandardCharsets.US_ASCII));
			}
			write.release();
		}
		return writes;
	}

}
