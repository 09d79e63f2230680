package io.github.memcachedserver.server;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.internal.protocol.HeldAnswers;
import io.github.memcachedserver.internal.protocol.ProtocolDetector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * The connection's ordered reply queue: every decoded command takes the next slot, runs when
 * the ordering rules allow, and its answer leaves when every earlier answer has left.
 * <p>
 * Ordering rules (DESIGN.md, "Threading and ordering"): consecutive commands that change
 * nothing ({@link CommandKinds#isRead}) run concurrently; any other command starts only once
 * every earlier one has finished, and later ones wait for it, so a pipelined {@code set k}
 * then {@code get k} sees its own write. Commands start in arrival order, so answers that are
 * there at once (the built-in store's) complete one after the other on the event loop.
 * <p>
 * Answers of one read of the socket leave together, flushed once at the end of the read (small
 * ones gathered into one buffer: {@link #gather}); an answer that arrives later is written and
 * flushed when it reaches the head. Answers that memcached would still hold back wait too
 * ({@link HeldAnswers}, as the decoder counts them): while a read is under way, those since
 * memcached's last write; once it has ended inside a data block, those before the block, until
 * the block is complete. If the input ends first, they are dropped, as memcached drops them.
 * A command's answer is pulled from its publisher one part at a time and only while the
 * channel takes writes, so a multi-get's values are encoded as the client reads them. While
 * the channel is over its outbound cap no command starts; with {@code maxInFlight} commands
 * queued the connection stops reading.
 * <p>
 * A command that ends the connection ({@code quit}, a closing error, the server's stop, the
 * end of the client's input) takes a slot like any other: the connection closes once its
 * answer and every earlier one has been written, and nothing after it runs.
 * <p>
 * A client that shuts down its sending side gets every answer, as memcached does: the channel
 * stays open when the input ends ({@link ChannelOption#ALLOW_HALF_CLOSURE}), the end of input
 * travels behind the last decoded command (the decoder hands on everything it could decode
 * first), and the queue closes the connection once every earlier answer is written. Without
 * it, Netty would close the channel at the end of input and drop answers still queued. On
 * Netty's epoll transport (4.2.15 to at least 4.2.20) answers that have to wait for the socket
 * after the end of input can still be lost: Netty drops the socket from epoll once it waits
 * for nothing, and fails to add it back (see
 * {@code HostileInputIntegrationTests#aHalfClosedPipelineGetsEveryAnswerOnIoUring}, which
 * passes on io_uring and NIO, the transports to choose where it matters). Requests to read
 * after the end of input (or the close) stop here: the epoll transport would fail (and
 * reactor-netty log) on such a read. The queue does this itself rather than a handler of its
 * own: every read request passes it, and with a thousand connections each handler passed is
 * one more cache miss.
 * <p>
 * All state lives on the channel's event loop; answers completed elsewhere hop onto it.
 */
final class CommandQueue extends ChannelDuplexHandler {

	static final String NAME = "memcached-command-queue";

	private static final Logger logger = LoggerFactory.getLogger(CommandQueue.class);

	/**
	 * The context every answer is subscribed with: an answer that fails after its connection
	 * closed (a backend error arriving after a client's reset) is logged at DEBUG, where
	 * Reactor would log it at ERROR with a stack trace, at a client's will. The key is
	 * Reactor's context-local {@code onErrorDropped} hook.
	 */
	private static final Context QUIET_DROPS = Context.of("reactor.onErrorDropped.local",
			(Consumer<Throwable>) (ex) -> logger.debug("An answer failed after its connection closed", ex));

	/** Travels behind a connection's last decoded command when the server stops reading it. */
	static final Object END_OF_COMMANDS = new Object();

	/** Answers at most this large are copied into the read's gathered buffer. */
	static final int MAX_GATHERED_ANSWER = 2048;

	/** A gathered buffer this large is written at once, so the outbound cap still sees it. */
	static final int MAX_GATHERED_BYTES = 32 * 1024;

	private static final int INITIAL_GATHERED_BYTES = 4096;

	private final ClientConnection connection;

	private final CommandRunner runner;

	private final int maxInFlight;

	private final LongAdder bytesWritten;

	/*
	 * The commands in arrival order, linked through their slots: those started, until their
	 * answers have been written, then from nextToStart those waiting for an earlier one to
	 * finish. Commands start in order, so the waiting ones always follow the started ones.
	 * A list of slots rather than queues of them: no array per connection to bring back into
	 * the cache for every command.
	 */

	/** The oldest command not yet answered, or {@code null}. */
	private @Nullable Slot oldest;

	/** The first command not yet started, or {@code null}. */
	private @Nullable Slot nextToStart;

	/** The newest command, or {@code null}. */
	private @Nullable Slot newest;

	/** How many commands are queued, started or not. */
	private int queued;

	/** How many commands the decoder has handed on: the number of the newest. */
	private long decoded;

	/** The decoder, which says how many of the newest commands' answers memcached would hold back. */
	private @Nullable HeldAnswers decoder;

	/** The number of the newest command whose answer memcached writes at once, with all before it. */
	private long writtenBackThrough;

	private @Nullable ChannelHandlerContext context;

	/** Started commands whose answers are not complete yet. */
	private int running;

	/** Whether a command that is not a read is running: nothing else may. */
	private boolean writeRunning;

	/** Whether the connection ends after the last queued command: later ones are dropped. */
	private boolean ending;

	/** Whether a command asked for the connection to close: nothing after it starts. */
	private boolean closeRequested;

	/** Whether the connection has closed or is closing: nothing more is written. */
	private boolean closed;

	/** Whether the channel is inside a read: its answers are flushed when the read completes. */
	private boolean reading;

	/** Whether the queue turned reading off for being full. */
	private boolean readingPaused;

	/** Whether {@link #process()} is running: answers that come at once inside it are left to it. */
	private boolean processing;

	/** Whether a flush is queued on the event loop. */
	private boolean flushScheduled;

	/** Whether anything was written since the last flush. */
	private boolean unflushed;

	/** The small answers written since the last flush, or the one such answer as it came. */
	private @Nullable ByteBuf gathered;

	/** Whether {@link #gathered} is an answer as it came, not a buffer of the queue's own. */
	private boolean gatheredAsItCame;

	/**
	 * @param connection the connection's state
	 * @param runner starts the commands
	 * @param maxInFlight how many commands may be queued before the connection stops reading
	 * @param bytesWritten the server-wide count of answer bytes, which the queue adds to as it
	 * writes
	 */
	CommandQueue(ClientConnection connection, CommandRunner runner, int maxInFlight, LongAdder bytesWritten) {
		this.connection = connection;
		this.runner = runner;
		this.maxInFlight = maxInFlight;
		this.bytesWritten = bytesWritten;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
		ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
		// reactor-netty reads only for a subscriber to its inbound; this queue is the reader
		ctx.channel().config().setAutoRead(true);
	}

	@Override
	public void read(ChannelHandlerContext ctx) {
		Channel channel = ctx.channel();
		if (channel.isActive() && !(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
			ctx.read();
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object message) {
		if (message instanceof MemcachedCommand command) {
			this.reading = true;
			if (this.decoded == 0 && ctx.pipeline().get(ProtocolDetector.DECODER_NAME) instanceof HeldAnswers held) {
				this.decoder = held;
			}
			enqueue(command, this.runner.endsConnection(command));
		}
		else if (message == END_OF_COMMANDS) {
			endOfCommands();
		}
		else {
			ReferenceCountUtil.release(message);
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof ChannelInputShutdownEvent) {
			// the client sent its last command: answer everything, then close, as memcached does
			endOfCommands();
		}
		ctx.fireUserEventTriggered(event);
	}

	/**
	 * Ends a socket read. The event goes no further: the queue is the last reader, and with a
	 * thousand connections taking turns each handler it passed would be one more of the
	 * connection's objects to bring back into the cache.
	 */
	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		this.reading = false;
		if (!this.processing) {
			// answers held while the read was under way may go now
			advance();
		}
		this.runner.startedTogether(this.connection);
		flush();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable()) {
			process();
		}
		ctx.fireChannelWritabilityChanged();
	}

	/**
	 * A client that resets the connection fails the writes in flight: that ends the
	 * connection, quietly (memcached does not log it either); anything else goes on.
	 */
	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.connection.failed(cause);
		if (cause instanceof IOException) {
			discardAll();
			ctx.close();
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		discardAll();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		discardAll();
	}

	private void endOfCommands() {
		if (!this.ending && !this.closed) {
			dropHeldAnswers();
		}
		enqueue(null, true);
	}

	/** The input ended where memcached holds answers back: it closes without writing them. */
	private void dropHeldAnswers() {
		long firstHeld = firstHeld();
		for (Slot slot = this.oldest; slot != null; slot = slot.next) {
			slot.silenced = slot.number >= firstHeld;
		}
	}

	/**
	 * How many of the newest commands' answers are held back: none once the connection is
	 * ending, when everything before its end is written (or was dropped at the end of input).
	 */
	private int held() {
		HeldAnswers decoder = this.decoder;
		return (decoder == null || this.ending) ? 0 : decoder.heldAnswers();
	}

	/** The number of the first command whose answer is held back (past the newest if none). */
	private long firstHeld() {
		return Math.max(this.decoded + 1 - held(), this.writtenBackThrough + 1);
	}

	/** Notes an answer's first part: some answers make memcached write what it holds. */
	private void answerArrived(Slot slot, ByteBuf part) {
		HeldAnswers decoder = this.decoder;
		if (decoder != null && slot.command != null && decoder.writesBack(slot.command, part)) {
			this.writtenBackThrough = Math.max(this.writtenBackThrough, slot.number);
		}
	}

	private void enqueue(@Nullable MemcachedCommand command, boolean endsConnection) {
		if (this.ending || this.closed) {
			// after a command that ends the connection nothing is run or answered
			ReferenceCountUtil.release(command);
			return;
		}
		this.ending = endsConnection;
		if (command != null) {
			this.decoded++;
		}
		append(new Slot(command, this.decoded, command != null && CommandKinds.isRead(command), endsConnection));
		process();
	}

	private void append(Slot slot) {
		if (this.newest == null) {
			this.oldest = slot;
		}
		else {
			this.newest.next = slot;
		}
		this.newest = slot;
		if (this.nextToStart == null) {
			this.nextToStart = slot;
		}
		this.queued++;
	}

	/** Removes the oldest command, whose answer has been written. */
	private void removeOldest(Slot oldest) {
		this.oldest = oldest.next;
		oldest.next = null;
		if (this.oldest == null) {
			this.newest = null;
		}
		this.queued--;
	}

	/**
	 * Starts what may start and writes what has completed at the head, until neither moves;
	 * outside a read, flushes soon.
	 */
	private void process() {
		if (this.processing) {
			// an answer that came at once, inside the loop below: the loop takes it
			return;
		}
		advance();
		if (!this.reading) {
			this.runner.startedTogether(this.connection);
			flushSoon();
		}
	}

	/** Starts what may start and writes what has completed at the head, until neither moves. */
	private void advance() {
		this.processing = true;
		try {
			while (!this.closed && (writeHead() | startNext())) {
				// go on: a write may have made room for a start, a start may have completed at once
			}
		}
		finally {
			this.processing = false;
		}
		pauseReadingWhenFull();
	}

	/** Starts the next waiting command, if the ordering rules and the outbound cap allow it. */
	private boolean startNext() {
		Slot next = this.nextToStart;
		if (next == null || (next.read ? this.writeRunning : this.running > 0) || this.closeRequested
				|| !channel().isWritable()) {
			return false;
		}
		this.nextToStart = next.next;
		this.running++;
		this.writeRunning = !next.read;
		if (next.command == null) {
			complete(next, false);
			return true;
		}
		Publisher<ByteBuf> answer;
		try {
			answer = this.runner.run(next.command, this.connection, this.context.alloc());
		}
		catch (RuntimeException ex) {
			// the dispatchers turn handler failures into answers: this is a bug of ours
			channel().close();
			throw ex;
		}
		if (answer instanceof Callable<?> ready) {
			next.takeReady(ready);
		}
		else {
			answer.subscribe(next);
		}
		return true;
	}

	/**
	 * Writes the answers at the head of the queue as far as they are complete and not held
	 * back.
	 */
	private boolean writeHead() {
		boolean moved = false;
		long firstHeld = firstHeld();
		Slot head;
		while ((head = this.oldest) != null && head != this.nextToStart && head.number < firstHeld) {
			ByteBuf part;
			while ((part = head.pollPart()) != null) {
				if (head.silenced) {
					part.release();
				}
				else {
					write(part);
				}
				moved = true;
			}
			if (!head.done) {
				if (head.requestWhenWritable(channel().isWritable())) {
					// the next part may have come at once
					continue;
				}
				return moved;
			}
			removeOldest(head);
			moved = true;
			if (head.closesConnection) {
				closeAfterWrites();
				return true;
			}
		}
		return moved;
	}

	/**
	 * Marks a command finished.
	 * @param closeRequested whether running it asked for the connection to close (a failure
	 * or refusal that ends it), taken on the thread that finished the command
	 */
	private void complete(Slot slot, boolean closeRequested) {
		slot.done = true;
		this.running--;
		if (!slot.read) {
			this.writeRunning = false;
		}
		if (closeRequested) {
			slot.closesConnection = true;
			this.ending = true;
			this.closeRequested = true;
		}
	}

	/** Runs a step on the event loop: at once when there already, else as a task. */
	private void onEventLoop(Runnable step) {
		ChannelHandlerContext ctx = this.context;
		if (ctx == null || ctx.executor().inEventLoop()) {
			step.run();
		}
		else {
			ctx.executor().execute(step);
		}
	}

	private void write(ByteBuf part) {
		ChannelHandlerContext ctx = this.context;
		if (part.readableBytes() <= MAX_GATHERED_ANSWER) {
			gather(part);
		}
		else {
			writeGathered();
			send(part);
		}
		if (!ctx.channel().isWritable()) {
			// a long burst of answers starts leaving before the read ends
			flush();
		}
	}

	/**
	 * Adds a small answer to the read's gathered answers. The first is kept as it came when it
	 * is direct (the socket takes it without a copy): a read of one command, the common case
	 * with many connections, then costs no buffer of its own. A second answer starts a buffer
	 * holding both.
	 */
	private void gather(ByteBuf part) {
		ByteBuf batch = this.gathered;
		if (batch == null && part.isDirect()) {
			this.gathered = part;
			this.gatheredAsItCame = true;
			return;
		}
		if (batch == null || this.gatheredAsItCame) {
			ByteBuf first = batch;
			batch = this.context.alloc().buffer(INITIAL_GATHERED_BYTES);
			this.gathered = batch;
			this.gatheredAsItCame = false;
			if (first != null) {
				batch.writeBytes(first);
				first.release();
			}
		}
		batch.writeBytes(part);
		part.release();
		if (batch.readableBytes() >= MAX_GATHERED_BYTES) {
			writeGathered();
		}
	}

	private void writeGathered() {
		ByteBuf batch = this.gathered;
		if (batch != null) {
			this.gathered = null;
			send(batch);
		}
	}

	private void send(ByteBuf answers) {
		this.bytesWritten.add(answers.readableBytes());
		this.context.write(answers, this.context.voidPromise());
		this.unflushed = true;
	}

	/**
	 * Flushes once the event loop has run the tasks already queued: a late answer's value and
	 * its completion arrive as two tasks, and answers that complete together leave together.
	 */
	private void flushSoon() {
		if (this.unflushed || this.gathered != null) {
			if (!this.flushScheduled) {
				this.flushScheduled = true;
				this.context.executor().execute(() -> {
					this.flushScheduled = false;
					if (!this.reading) {
						flush();
					}
				});
			}
		}
	}

	private void flush() {
		writeGathered();
		if (this.unflushed) {
			this.unflushed = false;
			this.context.flush();
		}
	}

	private void closeAfterWrites() {
		writeGathered();
		this.closed = true;
		this.unflushed = false;
		this.context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
		discardAll();
	}

	private void pauseReadingWhenFull() {
		// once the connection is ending, nothing more is read; held answers do not count: memcached
		// holds at most a round of them, and only reading more lets them go
		boolean full = this.ending || this.queued - held() >= this.maxInFlight;
		if (this.closed) {
			return;
		}
		if (full != this.readingPaused) {
			this.readingPaused = full;
			channel().config().setAutoRead(!full);
		}
	}

	/** Drops every answer still queued: the connection has closed. */
	private void discardAll() {
		this.closed = true;
		ByteBuf batch = this.gathered;
		this.gathered = null;
		if (batch != null) {
			batch.release();
		}
		boolean started = true;
		for (Slot slot = this.oldest; slot != null; slot = slot.next) {
			started &= slot != this.nextToStart;
			if (started) {
				slot.discard();
			}
			else {
				// a command never run may hold a value in the store's memory
				ReferenceCountUtil.release(slot.command);
			}
		}
		this.oldest = null;
		this.nextToStart = null;
		this.newest = null;
		this.queued = 0;
	}

	private Channel channel() {
		return this.context.channel();
	}

	/**
	 * One command's place in the queue, and the subscriber to its answer: answer parts are
	 * requested one at a time, the first at once, later ones only once the command is at the
	 * head and the channel takes writes.
	 */
	private final class Slot implements CoreSubscriber<ByteBuf> {

		/** The command, or {@code null} for the end of commands. */
		final @Nullable MemcachedCommand command;

		/** How many commands the decoder had handed on with this one. */
		final long number;

		final boolean read;

		/** Whether its answer is dropped unwritten: the input ended while it was held back. */
		boolean silenced;

		boolean closesConnection;

		/** The command that came after this one, while both are queued. */
		@Nullable Slot next;

		/**
		 * The first part received and not yet written, then the others: most answers have
		 * one part, which needs no queue of its own.
		 */
		private @Nullable ByteBuf nextPart;

		private @Nullable ArrayDeque<ByteBuf> laterParts;

		boolean done;

		boolean discarded;

		/** Whether a part has been requested and not yet received. */
		boolean requested;

		/** Whether a part has been received. */
		boolean answered;

		@Nullable Subscription subscription;

		Slot(@Nullable MemcachedCommand command, long number, boolean read, boolean closesConnection) {
			this.command = command;
			this.number = number;
			this.read = read;
			this.closesConnection = closesConnection;
		}

		void offerPart(ByteBuf part) {
			if (this.nextPart == null) {
				this.nextPart = part;
				return;
			}
			if (this.laterParts == null) {
				this.laterParts = new ArrayDeque<>(2);
			}
			this.laterParts.add(part);
		}

		@Nullable ByteBuf pollPart() {
			ByteBuf part = this.nextPart;
			this.nextPart = (this.laterParts != null) ? this.laterParts.poll() : null;
			return part;
		}

		void takeReady(Callable<?> ready) {
			Object answer;
			try {
				answer = ready.call();
			}
			catch (Exception ex) {
				// the dispatchers answer failures themselves: this is a bug of ours
				channel().close();
				throw new IllegalStateException(ex);
			}
			if (answer != null) {
				answerArrived(this, (ByteBuf) answer);
				offerPart((ByteBuf) answer);
			}
			complete(this, CommandQueue.this.connection.takeCloseRequest());
		}

		/** Asks for the next part when the channel takes writes; returns whether it asked. */
		boolean requestWhenWritable(boolean writable) {
			Subscription s = this.subscription;
			if (!writable || s == null || this.requested) {
				return false;
			}
			this.requested = true;
			s.request(1);
			return true;
		}

		@Override
		public Context currentContext() {
			return QUIET_DROPS;
		}

		@Override
		public void onSubscribe(Subscription s) {
			// called on the event loop, from startNext
			this.subscription = s;
			this.requested = true;
			s.request(1);
		}

		@Override
		public void onNext(ByteBuf part) {
			onEventLoop(() -> {
				if (this.discarded) {
					part.release();
					return;
				}
				this.requested = false;
				if (!this.answered) {
					this.answered = true;
					answerArrived(this, part);
				}
				offerPart(part);
				process();
			});
		}

		@Override
		public void onError(Throwable ex) {
			// the dispatchers answer failures themselves: this is a bug of ours
			onEventLoop(() -> {
				if (!this.discarded) {
					channel().close();
				}
			});
		}

		@Override
		public void onComplete() {
			boolean closeRequested = CommandQueue.this.connection.takeCloseRequest();
			onEventLoop(() -> {
				if (this.discarded) {
					return;
				}
				complete(this, closeRequested);
				process();
			});
		}

		void discard() {
			this.discarded = true;
			ByteBuf part;
			while ((part = pollPart()) != null) {
				part.release();
			}
			Subscription s = this.subscription;
			if (s != null && !this.done) {
				s.cancel();
			}
		}

	}

}
