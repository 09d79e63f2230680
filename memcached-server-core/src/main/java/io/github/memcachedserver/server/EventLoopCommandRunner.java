package io.github.memcachedserver.server;

import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.memcachedserver.command.MemcachedCommand;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Runs each decoded command on the event loop as it arrives and writes the answers of one
 * read of the socket in one flush, when the answers are there at once (the built-in store's):
 * no Reactor operator, send queue or scheduled flush per command.
 * <p>
 * Everything else goes on, in order, to the connection's reactive pipeline: an answer still
 * to come (it travels as a {@link RoutedAnswers}), a command that closes the connection, the
 * end of commands, and every command that arrives while the pipeline still has work of an
 * earlier read. Answers must not overtake each other, so once a read hands anything on, its
 * remaining commands and its end ({@link #READ_COMPLETE}) go on too; the pipeline answers
 * the end of a read with its batch and then {@link #READ_WRITTEN}, which this handler sees
 * pass on its way out. Commands run here again once every read handed on has been written.
 * The pipeline ends with {@link #ALL_WRITTEN}, so that the connection closes only once the
 * answers written here have left too.
 * <p>
 * Lives on the channel's event loop: no state needs guarding.
 */
final class EventLoopCommandRunner extends ChannelDuplexHandler {

	static final String NAME = "memcached-event-loop-runner";

	/** The mark, travelling behind the commands of a read handed on to the pipeline. */
	static final Object READ_COMPLETE = new Object();

	/** The mark the pipeline writes behind the answers of a read handed on to it. */
	static final Object READ_WRITTEN = new Object();

	/**
	 * The mark the pipeline writes behind its last answer: the connection closes once the
	 * pipeline's writes are done, and answers written here before must have left by then.
	 */
	static final Object ALL_WRITTEN = new Object();

	/** Answers that have to go through the reactive pipeline. */
	record RoutedAnswers(Publisher<ByteBuf> answers) {
	}

	private final ClientConnection connection;

	private final Function<MemcachedCommand, Publisher<ByteBuf>> runner;

	private final Predicate<Object> endsConnection;

	private final @Nullable OutboundBacklogGuard backlog;

	/** Whether the current read has handed something on: the rest of it follows. */
	private boolean handingOn;

	/** Reads handed on to the pipeline whose answers are not yet written. */
	private int readsInPipeline;

	/** Whether answers were written here since the last flush. */
	private boolean unflushed;

	/**
	 * @param connection the connection's state and answer batch
	 * @param runner runs a command (after the connection has accepted it), returning its answers
	 * @param endsConnection whether a message ends the connection (it is left to the pipeline)
	 * @param backlog the outbound cap, when there is one
	 */
	EventLoopCommandRunner(ClientConnection connection, Function<MemcachedCommand, Publisher<ByteBuf>> runner,
			Predicate<Object> endsConnection, @Nullable OutboundBacklogGuard backlog) {
		this.connection = connection;
		this.runner = runner;
		this.endsConnection = endsConnection;
		this.backlog = backlog;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object message) {
		if (message instanceof MemcachedCommand command && mayRunHere(command)) {
			run(ctx, command);
		}
		else {
			handOn(ctx, message);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.handingOn || this.readsInPipeline > 0) {
			// what was written here comes before the batch, which the pipeline hands on
			flushWritten(ctx);
			this.handingOn = false;
			this.readsInPipeline++;
			ctx.fireChannelRead(READ_COMPLETE);
		}
		else {
			ByteBuf gathered = this.connection.replies().takeGathered();
			if (gathered != null) {
				ctx.write(gathered);
				this.unflushed = true;
			}
			flushWritten(ctx);
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
		if (message == READ_WRITTEN || message == ALL_WRITTEN) {
			if (message == READ_WRITTEN) {
				this.readsInPipeline--;
			}
			// nothing to send, but queued behind everything written so far: the pipeline's
			// send completes only once that has left, the answers written here included
			ctx.write(Unpooled.EMPTY_BUFFER, promise);
			return;
		}
		ctx.write(message, promise);
	}

	private boolean mayRunHere(MemcachedCommand command) {
		return !this.handingOn && this.readsInPipeline == 0 && !this.connection.isClosing()
				&& !this.endsConnection.test(command) && (this.backlog == null || this.backlog.awaitWritable() == null);
	}

	private void run(ChannelHandlerContext ctx, MemcachedCommand command) {
		Publisher<ByteBuf> answers = this.runner.apply(command);
		if (this.connection.isClosing()) {
			// the pipeline writes the last answer and then closes the connection
			handOn(ctx, new RoutedAnswers(answers));
		}
		else if (answers instanceof ReadyAnswers ready) {
			for (ByteBuf answer : ready.answers()) {
				ctx.write(answer);
			}
			this.unflushed = true;
			if (!ctx.channel().isWritable()) {
				// a long read's answers start leaving before the read ends
				flushWritten(ctx);
			}
		}
		else if (answers instanceof Callable<?> scalar) {
			writeScalar(ctx, scalar);
		}
		else {
			handOn(ctx, new RoutedAnswers(answers));
		}
	}

	/** Writes an answer given as a scalar publisher (none for {@code Mono.empty()}) after the batch. */
	private void writeScalar(ChannelHandlerContext ctx, Callable<?> scalar) {
		Object answer;
		try {
			answer = scalar.call();
		}
		catch (Exception ex) {
			handOn(ctx, new RoutedAnswers(Mono.error(ex)));
			return;
		}
		if (answer != null) {
			ByteBuf gathered = this.connection.replies().takeGathered();
			if (gathered != null) {
				ctx.write(gathered);
			}
			ctx.write(answer);
			this.unflushed = true;
		}
	}

	private void flushWritten(ChannelHandlerContext ctx) {
		if (this.unflushed) {
			this.unflushed = false;
			ctx.flush();
		}
	}

	private void handOn(ChannelHandlerContext ctx, Object message) {
		this.handingOn = true;
		ctx.fireChannelRead(message);
	}

}
