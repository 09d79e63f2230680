package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.QuitCommand;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.server.EventLoopCommandRunner.RoutedAnswers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner's routing between the event loop and the reactive pipeline, on an embedded
 * channel: one {@code writeInbound} is one read of the socket.
 */
class EventLoopCommandRunnerTests {

	private final ClientConnection connection = new ClientConnection(new Session(1, null, null), 0);

	/** What the runner handed on to the reactive pipeline, in order. */
	private final List<Object> handedOn = new ArrayList<>();

	private final List<MemcachedCommand> ran = new ArrayList<>();

	private EmbeddedChannel channel;

	@AfterEach
	void close() {
		this.channel.finishAndReleaseAll();
		this.connection.replies().release();
	}

	@Test
	void answersOfOneReadLeaveInOneFlushAtItsEnd() {
		start((command) -> gathered(answerFor(command)));
		this.channel.writeInbound(command("a"), command("b"), command("c"));
		assertThat(written()).containsExactly("a\r\nb\r\nc\r\n");
		assertThat(this.handedOn).isEmpty();
	}

	@Test
	void answersTooLargeToGatherAreWrittenInPlaceBehindTheBatch() {
		start((command) -> ((Named) command).name().equals("large")
				? this.connection.replies().add(text("x".repeat(ReplyBatch.MAX_COPIED_ANSWER + 1)), ByteBufAllocator.DEFAULT)
				: gathered(answerFor(command)));
		this.channel.writeInbound(command("a"), command("large"), command("b"));
		assertThat(written()).containsExactly("a\r\n", "x".repeat(ReplyBatch.MAX_COPIED_ANSWER + 1), "b\r\n");
	}

	@Test
	void aLateAnswerAndTheRestOfItsReadGoOnToThePipelineInOrder() {
		Mono<ByteBuf> late = Mono.never();
		start((command) -> ((Named) command).name().equals("late") ? late : gathered(answerFor(command)));
		this.channel.writeInbound(command("a"), command("late"), command("b"));
		assertThat(this.ran).extracting((command) -> ((Named) command).name()).containsExactly("a", "late");
		assertThat(this.handedOn).hasSize(3);
		assertThat(this.handedOn.get(0)).isInstanceOfSatisfying(RoutedAnswers.class,
				(routed) -> assertThat(routed.answers()).isSameAs(late));
		assertThat(this.handedOn.get(1)).isInstanceOfSatisfying(Named.class,
				(command) -> assertThat(command.name()).isEqualTo("b"));
		assertThat(this.handedOn.get(2)).isSameAs(EventLoopCommandRunner.READ_COMPLETE);
		// the answer of "a" waits in the batch, which the pipeline sends before the late one
		assertThat(written()).isEmpty();
		assertThat(this.connection.replies().takeGathered().toString(StandardCharsets.US_ASCII)).isEqualTo("a\r\n");
	}

	@Test
	void laterReadsGoOnToThePipelineUntilItHasWrittenTheReadsBeforeThem() {
		start((command) -> ((Named) command).name().startsWith("late") ? Mono.never() : gathered(answerFor(command)));
		this.channel.writeInbound(command("late1"));
		this.channel.writeInbound(command("a"));
		assertThat(this.ran).extracting((command) -> ((Named) command).name()).containsExactly("late1");
		assertThat(this.handedOn).filteredOn((message) -> message == EventLoopCommandRunner.READ_COMPLETE).hasSize(2);
		// the pipeline's mark for the first read: the second is still in the pipeline
		this.channel.writeOutbound(EventLoopCommandRunner.READ_WRITTEN);
		this.channel.writeInbound(command("b"));
		assertThat(this.ran).extracting((command) -> ((Named) command).name()).containsExactly("late1");
		this.channel.writeOutbound(EventLoopCommandRunner.READ_WRITTEN);
		this.channel.writeOutbound(EventLoopCommandRunner.READ_WRITTEN);
		assertThat(written()).isEmpty();
		this.channel.writeInbound(command("c"));
		assertThat(this.ran).extracting((command) -> ((Named) command).name()).containsExactly("late1", "c");
		assertThat(written()).containsExactly("c\r\n");
	}

	@Test
	void thePipelinesMarksAreQueuedBehindWhatWasWrittenBeforeThem() {
		start((command) -> gathered(answerFor(command)));
		this.channel.writeInbound(command("a"));
		ChannelFuture allWritten = this.channel.write(EventLoopCommandRunner.ALL_WRITTEN);
		assertThat(allWritten.isDone()).isFalse();
		this.channel.flush();
		assertThat(allWritten.isSuccess()).isTrue();
		assertThat(this.channel.outboundMessages()).hasSize(2).last().isSameAs(Unpooled.EMPTY_BUFFER);
		assertThat(written()).containsExactly("a\r\n");
	}

	@Test
	void commandsThatEndTheConnectionAreLeftToThePipeline() {
		start((command) -> gathered(answerFor(command)));
		this.channel.writeInbound(command("a"), new QuitCommand());
		assertThat(this.ran).hasSize(1);
		assertThat(this.handedOn).hasSize(2).first().isInstanceOf(QuitCommand.class);
		assertThat(this.handedOn.get(1)).isSameAs(EventLoopCommandRunner.READ_COMPLETE);
	}

	@Test
	void aClosingAnswerIsLeftToThePipelineWhichClosesTheConnectionAfterIt() {
		start((command) -> {
			this.connection.closeAfterResponse();
			return this.connection.replies().addNow(answerFor(command), true, ByteBufAllocator.DEFAULT);
		});
		this.channel.writeInbound(command("bye"), command("unread"));
		assertThat(this.ran).hasSize(1);
		assertThat(this.handedOn.get(0)).isInstanceOf(RoutedAnswers.class);
		assertThat(this.handedOn.get(1)).isInstanceOf(Named.class);
		assertThat(written()).isEmpty();
		Flux.from(((RoutedAnswers) this.handedOn.get(0)).answers()).subscribe(ByteBuf::release);
	}

	@Test
	void aScalarAnswerIsWrittenBehindTheBatch() {
		start((command) -> ((Named) command).name().equals("scalar") ? Mono.just(text("s\r\n"))
				: gathered(answerFor(command)));
		this.channel.writeInbound(command("a"), command("scalar"), command("b"));
		assertThat(written()).containsExactly("a\r\n", "s\r\n", "b\r\n");
	}

	private void start(Function<MemcachedCommand, Publisher<ByteBuf>> runner) {
		this.channel = new EmbeddedChannel(new EventLoopCommandRunner(this.connection, (command) -> {
			this.ran.add(command);
			return runner.apply(command);
		}, (message) -> message instanceof QuitCommand, null), new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext ctx, Object message) {
				EventLoopCommandRunnerTests.this.handedOn.add(message);
			}

		});
	}

	private Publisher<ByteBuf> gathered(ByteBuf answer) {
		return this.connection.replies().add(answer, ByteBufAllocator.DEFAULT);
	}

	private List<String> written() {
		List<String> written = new ArrayList<>();
		for (ByteBuf buffer = this.channel.readOutbound(); buffer != null; buffer = this.channel.readOutbound()) {
			// the pipeline's marks become empty writes, queued behind the answers
			if (buffer.isReadable()) {
				written.add(buffer.toString(StandardCharsets.US_ASCII));
			}
			buffer.release();
		}
		return written;
	}

	private static MemcachedCommand command(String name) {
		return new Named(name);
	}

	private static ByteBuf answerFor(MemcachedCommand command) {
		return text(((Named) command).name() + "\r\n");
	}

	private static ByteBuf text(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
	}

	/** A command told apart by its name; the runner under test never looks inside. */
	private record Named(String name) implements MemcachedCommand {
	}

}
