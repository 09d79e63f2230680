package io.github.memcachedserver.internal.protocol.text;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.github.memcachedserver.command.ArithmeticCommand;
import io.github.memcachedserver.command.CacheDumpCommand;
import io.github.memcachedserver.command.DeleteCommand;
import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.FlushAllCommand;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.RefusedStorageCommand;
import io.github.memcachedserver.command.RefusedStorageCommand.Refusal;
import io.github.memcachedserver.command.QuitCommand;
import io.github.memcachedserver.command.RetrievalCommand;
import io.github.memcachedserver.command.StatsCommand;
import io.github.memcachedserver.command.StorageCommand;
import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.command.TouchCommand;
import io.github.memcachedserver.command.VerbosityCommand;
import io.github.memcachedserver.command.VersionCommand;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.protocol.CommandDecoder;
import io.github.memcachedserver.internal.protocol.HeldAnswers;
import io.github.memcachedserver.internal.protocol.MemcachedReadBuffer;
import io.github.memcachedserver.internal.protocol.PendingValues;
import io.github.memcachedserver.internal.protocol.ReceivedValueCommand;
import io.github.memcachedserver.internal.protocol.ValueAccumulator;
import io.github.memcachedserver.store.ItemSize;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;

/**
 * Frames memcached's text protocol into {@link MemcachedCommand}s. A state machine over
 * the inbound bytes: a request line, then for storage commands the data block (copied as
 * it arrives, its size checked before anything is buffered), or bytes to discard after a
 * refused storage command. Malformed requests become {@link ErrorReply}s in their pipeline
 * position. Keys and values are copied out, so no buffer outlives the read that brought it:
 * a value into the built-in store's memory for its item, where it stays
 * ({@link ReceivedValueCommand}), or onto the heap for any other handler.
 * <p>
 * Answers follow memcached 1.6.18 with the deviations of DESIGN.md ("Which memcached we
 * match"): a wrong number of tokens answers {@code CLIENT_ERROR bad command line format}
 * (1.6.18: {@code ERROR}; a storage line then swallows its data block), a storage line
 * refused for its key, flags, exptime or CAS swallows its data block, and a trailing
 * {@code noreply} silences the other errors too (the last two as in 1.6.45).
 * <p>
 * It follows where memcached writes its queued answers ({@link MemcachedReadBuffer}): after an
 * answered {@code get}, {@code gets}, {@code gat} or {@code gats} and after {@code mn}, and where
 * its read buffer ends, so that the answers memcached would still hold while it waits for the
 * rest of a data block are held here too ({@link HeldAnswers}).
 *
 * @since 0.1.0
 */
public final class TextCommandDecoder extends CommandDecoder {

	static final int KEY_MAX_LENGTH = 250;

	private static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";

	private static final String INVALID_EXPTIME = "CLIENT_ERROR invalid exptime argument";

	private static final String INVALID_DELTA = "CLIENT_ERROR invalid numeric delta argument";

	private static final String DELETE_USAGE = "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]";

	/** memcached's {@code MAX_NUMBER_OF_SLAB_CLASSES}: {@code stats cachedump} refuses higher ids. */
	private static final int MAX_SLAB_CLASSES = 64;

	private enum State {

		LINE, DATA, SWALLOW, CLOSED

	}

	private final TextProtocolLimits limits;

	private final PendingValues pendingValues;

	/**
	 * A line is parsed before the decoder returns and nothing keeps it, so one per event loop
	 * serves all its connections: the buffer stays in the cache where a thousand connections'
	 * own would each be a cache miss.
	 */
	private static final FastThreadLocal<CommandLine> LINES = new FastThreadLocal<>() {

		@Override
		protected CommandLine initialValue() {
			return new CommandLine();
		}

	};


	private State state = State.LINE;

	private @Nullable PendingData pending;

	private long swallowRemaining;

	private @Nullable MemcachedCommand afterSwallow;

	/**
	 * Creates a decoder for one connection.
	 * @param limits the bounds to enforce
	 * @param pendingValues the server-wide budget for values still arriving
	 * @param bytesRead the server-wide count of bytes received
	 */
	public TextCommandDecoder(TextProtocolLimits limits, PendingValues pendingValues, LongAdder bytesRead) {
		super(bytesRead, new MemcachedReadBuffer(limits.maxLineLength()));
		this.limits = limits;
		this.pendingValues = pendingValues;
	}

	/** A value that will never complete gives its reservation back. */
	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		PendingData pending = this.pending;
		if (pending != null) {
			this.pending = null;
			pending.value.discard();
		}
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		boolean progress = true;
		int lineStart = out.size();
		while (progress && in.isReadable()) {
			State reading = this.state;
			int before = in.readerIndex();
			progress = switch (reading) {
				case LINE -> decodeLine(in, out);
				case DATA -> readData(in, out);
				case SWALLOW -> swallow(in, out);
				case CLOSED -> {
					in.skipBytes(in.readableBytes());
					yield false;
				}
			};
			if (reading != State.LINE) {
				readBuffer().skip(in.readerIndex() - before);
			}
			if (out.size() > lineStart && this.state == State.LINE) {
				requestDone(out.size() - lineStart, isWritePoint(out.get(out.size() - 1)));
				lineStart = out.size();
			}
		}
	}

	/** Whether memcached writes its queued answers once it has answered this command. */
	private static boolean isWritePoint(Object command) {
		return (command instanceof RetrievalCommand retrieval && !retrieval.noreply())
				|| (command instanceof MetaCommand meta && meta.code() == 'n');
	}

	@Override
	protected boolean waitingForBody() {
		return this.state == State.DATA || this.state == State.SWALLOW;
	}

	@Override
	protected boolean isClosed() {
		return this.state == State.CLOSED;
	}

	/** The text protocol's writes follow from its commands alone. */
	@Override
	public boolean writesBack(MemcachedCommand command, ByteBuf answer) {
		return false;
	}

	private boolean decodeLine(ByteBuf in, List<Object> out) {
		int start = in.readerIndex();
		int eol = in.indexOf(start, in.writerIndex(), (byte) '\n');
		if (eol < 0) {
			if (isRunawayLine(in)) {
				close(out, in);
			}
			return false;
		}
		int length = eol + 1 - start;
		if (!readBuffer().take(length) && readBuffer().closesOnLongLine(length, startsAsMultiGet(in))) {
			close(out, in);
			return false;
		}
		int end = eol;
		// memcached drops a '\r' before the '\n' only when the line has more than one byte
		if (end - start > 1 && in.getByte(end - 1) == '\r') {
			end--;
		}
		CommandLine line = LINES.get();
		line.load(in, start, end);
		in.readerIndex(eol + 1);
		MemcachedCommand command = parse(line, out);
		if (command != null) {
			out.add(command);
			if (command instanceof QuitCommand || (command instanceof ErrorReply error && error.closeConnection())) {
				this.state = State.CLOSED;
			}
		}
		return true;
	}

	/**
	 * memcached keeps at most 2048 bytes of a line it has not seen the end of, unless the
	 * line starts (after at most 100 spaces) as a multi-key get.
	 */
	private boolean isRunawayLine(ByteBuf in) {
		int readable = in.readableBytes();
		if (readable <= this.limits.maxLineLength()) {
			return false;
		}
		return !startsAsMultiGet(in) || readable > this.limits.maxGetLineLength();
	}

	/** Whether the line starts (after at most 100 spaces) as a multi-key get. */
	private static boolean startsAsMultiGet(ByteBuf in) {
		int start = in.readerIndex();
		int spaces = 0;
		while (spaces < in.readableBytes() && in.getByte(start + spaces) == ' ') {
			spaces++;
		}
		return spaces <= 100 && (startsWith(in, start + spaces, "get ") || startsWith(in, start + spaces, "gets "));
	}

	private static boolean startsWith(ByteBuf in, int index, String text) {
		if (in.writerIndex() - index < text.length()) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			if (in.getByte(index + i) != text.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private void close(List<Object> out, ByteBuf in) {
		in.skipBytes(in.readableBytes());
		out.add(ErrorReply.CLOSE);
		this.state = State.CLOSED;
	}

	/**
	 * Parses the line into its command; a command memcached carries out before it refuses the
	 * line goes to {@code out} first.
	 */
	private MemcachedCommand parse(CommandLine line, List<Object> out) {
		int words = line.count();
		// no command is shorter than two bytes
		if (words == 0 || line.length(0) < 2) {
			return ErrorReply.ERROR;
		}
		if (line.length(0) == 2 && line.byteAt(0, 0) == 'm') {
			return meta(line);
		}
		CommandName name = CommandName.of(line);
		if (name == null) {
			return unknown(line);
		}
		return switch (name) {
			case GET, BGET -> retrieval(line, false, false, out);
			case GETS -> retrieval(line, true, false, out);
			case GAT -> retrieval(line, false, true, out);
			case GATS -> retrieval(line, true, true, out);
			case SET -> storage(line, StorageMode.SET);
			case ADD -> storage(line, StorageMode.ADD);
			case REPLACE -> storage(line, StorageMode.REPLACE);
			case APPEND -> storage(line, StorageMode.APPEND);
			case PREPEND -> storage(line, StorageMode.PREPEND);
			case CAS -> storage(line, StorageMode.CAS);
			case DELETE -> delete(line);
			case INCR -> arithmetic(line, true);
			case DECR -> arithmetic(line, false);
			case TOUCH -> touch(line);
			case FLUSH_ALL -> flushAll(line);
			case VERBOSITY -> verbosity(line);
			case VERSION -> new VersionCommand();
			case QUIT -> new QuitCommand();
			case STATS -> stats(line);
			case SHUTDOWN -> ErrorReply.of("ERROR: shutdown not enabled", false);
		};
	}

	private @Nullable MemcachedCommand meta(CommandLine line) {
		return switch (line.byteAt(0, 1)) {
			case 'g', 'd', 'a', 'n', 'e' -> MetaCommandParser.parse(line);
			case 's' -> metaSet(line);
			default -> unknown(line);
		};
	}

	private @Nullable MemcachedCommand metaSet(CommandLine line) {
		MetaCommandParser.SetLine parsed = MetaCommandParser.parseSet(line);
		MetaCommand command = parsed.command();
		if (command == null) {
			return (parsed.dataLength() > 0) ? swallow(parsed.dataLength(), parsed.error()) : parsed.error();
		}
		if (ItemSize.of(command.key().length(), parsed.dataLength(), (int) command.flags().clientFlags()) > this.limits
			.maxItemSize()) {
			// like a refused set, a refused ms drops the key's old item
			return swallow(parsed.dataLength() + 2,
					new RefusedStorageCommand(StorageMode.SET, command.key(), false, Refusal.TOO_LARGE, true));
		}
		int length = (int) parsed.dataLength();
		// an answer with s tells the stored value's length from the command's heap value
		ValueAccumulator value = command.flags().has('s') ? this.pendingValues.accumulate(length)
				: this.pendingValues.receive(command.key(), length, (int) command.flags().clientFlags());
		if (value == null) {
			return swallow(parsed.dataLength() + 2,
					new RefusedStorageCommand(StorageMode.SET, command.key(), false, Refusal.OUT_OF_MEMORY, true));
		}
		this.pending = new PendingData(value, false,
				(data) -> new MetaCommand('s', command.key(), command.flags(), data));
		this.state = State.DATA;
		return null;
	}

	private MemcachedCommand unknown(CommandLine line) {
		// memcached hangs up on what looks like an HTTP request
		if (line.startsWith(line.count() - 1, "HTTP/")) {
			return ErrorReply.CLOSE;
		}
		return ErrorReply.of("ERROR", line.endsWithNoreply());
	}

	private MemcachedCommand retrieval(CommandLine line, boolean withCas, boolean touch, List<Object> out) {
		if (line.count() < (touch ? 3 : 2)) {
			return ErrorReply.of(BAD_FORMAT, false);
		}
		int first = 1;
		long exptime = 0;
		if (touch) {
			exptime = line.signed32(1);
			if (line.lastParseFailed()) {
				return ErrorReply.of(INVALID_EXPTIME, false);
			}
			first = 2;
		}
		List<Key> keys = new ArrayList<>(Math.max(1, line.count() - first));
		while (true) {
			for (int token = first; token < line.count(); token++) {
				if (line.length(token) > KEY_MAX_LENGTH) {
					// memcached has read (and for gat touched) the keys before it, unanswered
					if (!keys.isEmpty()) {
						out.add(new RetrievalCommand(keys, withCas, touch, exptime, true));
					}
					return ErrorReply.of(BAD_FORMAT, false);
				}
				keys.add(line.key(token));
			}
			if (!line.hasRemainder()) {
				break;
			}
			line.tokenizeRemainder();
			first = 0;
		}
		return new RetrievalCommand(keys, withCas, touch, exptime);
	}

	private MemcachedCommand storage(CommandLine line, StorageMode mode) {
		int words = line.count();
		// a refusal before the data size is known is always answered, and swallows nothing
		if (words < 5) {
			return ErrorReply.of(BAD_FORMAT, false);
		}
		long length = line.signed32(4);
		if (line.lastParseFailed() || length < 0 || length > Integer.MAX_VALUE - 2) {
			return ErrorReply.of(BAD_FORMAT, false);
		}
		int allowed = (mode == StorageMode.CAS) ? 7 : 6;
		if (words > allowed) {
			// too many tokens: refused (and answered even after noreply), its data discarded
			return swallow(length + 2, ErrorReply.of(BAD_FORMAT, false));
		}
		boolean noreply = line.endsWithNoreply();
		long flags = line.unsigned32(2);
		boolean valid = !line.lastParseFailed();
		long exptime = line.signed32(3);
		valid &= !line.lastParseFailed();
		long cas = 0;
		if (mode == StorageMode.CAS) {
			cas = (words > 5) ? line.unsigned64(5) : 0;
			valid &= words > 5 && !line.lastParseFailed();
		}
		if (!valid || line.length(1) > KEY_MAX_LENGTH) {
			return swallow(length + 2, ErrorReply.of(BAD_FORMAT, noreply));
		}
		Key key = line.key(1);
		if (ItemSize.of(key.length(), length, (int) flags) > this.limits.maxItemSize()) {
			return swallow(length + 2, new RefusedStorageCommand(mode, key, noreply, Refusal.TOO_LARGE, false));
		}
		int clientFlags = (int) flags;
		ValueAccumulator value = this.pendingValues.receive(key, (int) length, clientFlags);
		if (value == null) {
			return swallow(length + 2, new RefusedStorageCommand(mode, key, noreply, Refusal.OUT_OF_MEMORY, false));
		}
		long storageCas = cas;
		this.pending = new PendingData(value, noreply, (data) -> new StorageCommand(mode, key,
				new Entry(data, clientFlags, exptime), storageCas, noreply));
		this.state = State.DATA;
		return null;
	}

	/**
	 * Discards a refused command's data block, then answers it: memcached, too, answers only
	 * once the data it throws away has arrived.
	 */
	private @Nullable MemcachedCommand swallow(long bytes, MemcachedCommand answer) {
		this.swallowRemaining = bytes;
		this.afterSwallow = answer;
		this.state = State.SWALLOW;
		return null;
	}

	private boolean swallow(ByteBuf in, List<Object> out) {
		int skip = (int) Math.min(in.readableBytes(), this.swallowRemaining);
		in.skipBytes(skip);
		this.swallowRemaining -= skip;
		if (this.swallowRemaining == 0) {
			out.add(this.afterSwallow);
			this.afterSwallow = null;
			this.state = State.LINE;
		}
		return true;
	}

	private boolean readData(ByteBuf in, List<Object> out) {
		PendingData pending = this.pending;
		pending.fill(in);
		if (!pending.complete()) {
			return false;
		}
		this.pending = null;
		this.state = State.LINE;
		if (!pending.terminatedProperly()) {
			pending.value.discard();
			out.add(pending.badDataChunk());
		}
		else {
			out.add(pending.toCommand());
		}
		return true;
	}

	private MemcachedCommand delete(CommandLine line) {
		boolean noreply = line.endsWithNoreply();
		int words = line.count();
		if (words < 2 || words > 4) {
			return ErrorReply.of(BAD_FORMAT, words < 2 && noreply);
		}
		if (words == 3 || words == 4) {
			// the old hold time: only 0 is accepted (extra tokens beyond these are ignored)
			boolean holdIsZero = line.is(2, "0");
			if (!((words == 3 && (holdIsZero || noreply)) || (words == 4 && holdIsZero && noreply))) {
				return ErrorReply.of(DELETE_USAGE, noreply);
			}
		}
		if (line.length(1) > KEY_MAX_LENGTH) {
			return ErrorReply.of(BAD_FORMAT, noreply);
		}
		return new DeleteCommand(line.key(1), noreply);
	}

	private MemcachedCommand arithmetic(CommandLine line, boolean increment) {
		boolean noreply = line.endsWithNoreply();
		if (line.count() < 3 || line.count() > 4) {
			return ErrorReply.of(BAD_FORMAT, line.count() < 3 && noreply);
		}
		if (line.length(1) > KEY_MAX_LENGTH) {
			return ErrorReply.of(BAD_FORMAT, noreply);
		}
		long delta = line.unsigned64(2);
		if (line.lastParseFailed()) {
			return ErrorReply.of(INVALID_DELTA, noreply);
		}
		return new ArithmeticCommand(increment, line.key(1), delta, noreply);
	}

	private MemcachedCommand touch(CommandLine line) {
		boolean noreply = line.endsWithNoreply();
		if (line.count() < 3 || line.count() > 4) {
			return ErrorReply.of(BAD_FORMAT, line.count() < 3 && noreply);
		}
		if (line.length(1) > KEY_MAX_LENGTH) {
			return ErrorReply.of(BAD_FORMAT, noreply);
		}
		long exptime = line.signed32(2);
		if (line.lastParseFailed()) {
			return ErrorReply.of(INVALID_EXPTIME, noreply);
		}
		return new TouchCommand(line.key(1), exptime, noreply);
	}

	private MemcachedCommand flushAll(CommandLine line) {
		boolean noreply = line.endsWithNoreply();
		if (line.count() > 3) {
			return ErrorReply.of(BAD_FORMAT, false);
		}
		long delay = 0;
		if (line.count() != (noreply ? 2 : 1)) {
			delay = line.signed32(1);
			if (line.lastParseFailed()) {
				return ErrorReply.of(INVALID_EXPTIME, noreply);
			}
		}
		return new FlushAllCommand(Math.max(0, delay), noreply);
	}

	private MemcachedCommand stats(CommandLine line) {
		if (line.count() < 2 || !line.is(1, "cachedump")) {
			return new StatsCommand((line.count() > 1) ? line.string(1) : "", (line.count() > 2) ? line.string(2) : "");
		}
		// memcached's process_stat checks the arguments in this order, with safe_strtoul
		if (line.count() < 4) {
			return ErrorReply.of("CLIENT_ERROR bad command line", false);
		}
		long slabClass = line.unsigned32(2);
		boolean badClass = line.lastParseFailed();
		long limit = line.unsigned32(3);
		if (badClass || line.lastParseFailed()) {
			return ErrorReply.of(BAD_FORMAT, false);
		}
		if (slabClass >= MAX_SLAB_CLASSES) {
			return ErrorReply.of("CLIENT_ERROR Illegal slab id", false);
		}
		return new CacheDumpCommand((int) slabClass, limit);
	}

	private MemcachedCommand verbosity(CommandLine line) {
		boolean noreply = line.endsWithNoreply();
		if (line.count() < 2 || line.count() > 3) {
			return ErrorReply.of(BAD_FORMAT, line.count() < 2 && noreply);
		}
		long level = line.unsigned32(1);
		if (line.lastParseFailed()) {
			return ErrorReply.of(BAD_FORMAT, noreply);
		}
		return new VerbosityCommand(level, noreply);
	}

	/** A command waiting for its data block and the "\r\n" after it. */
	private static final class PendingData {

		private static final byte[] NO_BYTES = {};

		private static final int CRLF = ('\r' << 8) | '\n';

		private final ValueAccumulator value;

		private final boolean noreply;

		private final Function<byte[], MemcachedCommand> complete;

		/** The bytes after the data, in the low bits: "\r\n" is {@link #CRLF}. */
		private int terminator;

		private int terminatorFilled;

		PendingData(ValueAccumulator value, boolean noreply, Function<byte[], MemcachedCommand> complete) {
			this.value = value;
			this.noreply = noreply;
			this.complete = complete;
		}

		void fill(ByteBuf in) {
			if (this.value.fill(in)) {
				while (this.terminatorFilled < 2 && in.isReadable()) {
					this.terminator = (this.terminator << 8) | in.readUnsignedByte();
					this.terminatorFilled++;
				}
			}
		}

		boolean complete() {
			return this.value.isComplete() && this.terminatorFilled == 2;
		}

		boolean terminatedProperly() {
			return this.terminator == CRLF;
		}

		/**
		 * Answers a data block not followed by {@code \r\n}: memcached has counted a classic
		 * storage command in its key's prefix statistics by then, as it counts the line.
		 */
		MemcachedCommand badDataChunk() {
			MemcachedCommand command = this.complete.apply(NO_BYTES);
			if (command instanceof StorageCommand storage) {
				return new RefusedStorageCommand(storage.mode(), storage.key(), this.noreply, Refusal.BAD_DATA_CHUNK, false);
			}
			// an ms always answers its errors
			return new RefusedStorageCommand(StorageMode.SET, ((MetaCommand) command).key(), false, Refusal.BAD_DATA_CHUNK,
					true);
		}

		MemcachedCommand toCommand() {
			ByteBuf received = this.value.takeReceived();
			return (received != null) ? new ReceivedValueCommand(this.complete.apply(NO_BYTES), received)
					: this.complete.apply(this.value.value());
		}

	}

}
