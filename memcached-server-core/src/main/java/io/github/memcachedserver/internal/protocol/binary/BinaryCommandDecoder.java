package io.github.memcachedserver.internal.protocol.binary;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.protocol.CommandDecoder;
import io.github.memcachedserver.internal.protocol.MemcachedReadBuffer;
import io.github.memcachedserver.internal.protocol.PendingValues;
import io.github.memcachedserver.internal.protocol.ReceivedValueCommand;
import io.github.memcachedserver.internal.protocol.ValueAccumulator;
import io.github.memcachedserver.store.ItemSize;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.jspecify.annotations.Nullable;

/**
 * Frames memcached's binary protocol into {@link BinaryRequest}s, checking each request as
 * memcached 1.6 does before it reads the value: a wrong magic byte closes the connection,
 * key or extras longer than the body answer "unknown command" and close, wrong lengths for
 * an opcode answer "invalid arguments" and close, an unknown opcode is answered and its body
 * discarded, and a value over the item size limit is answered "too large" and discarded
 * unread. Values are copied out as they arrive: a stored value into the built-in store's
 * memory for its item ({@link ReceivedValueCommand}), any other onto the heap, growing with
 * the data actually received.
 * <p>
 * memcached writes its queued answers (see {@link MemcachedReadBuffer}) after a no-op and a
 * quit, after an error it answers at once (not one whose body it then throws away), and after
 * the rounds of requests and reads the text protocol shares; the errors of requests carried out
 * come from their answers ({@link #writesBack}), and where its 16 KiB read buffer ends: a request
 * whose header, extras and key do not fit in what is left of it, or a value that runs past it. It
 * holds them while a request's value (or the bytes it throws away) is still arriving.
 *
 * @since 0.1.0
 */
public final class BinaryCommandDecoder extends CommandDecoder {

	private static final int HEADER_LENGTH = 24;

	private static final int KEY_MAX_LENGTH = 250;

	/** memcached's limit on a SASL mechanism name, sent as the key. */
	private static final int SASL_MECHANISM_MAX_LENGTH = 32;

	private static final byte[] NO_BYTES = {};

	private enum State {

		HEADER, BODY, VALUE, SWALLOW, CLOSED

	}

	private final int maxItemSize;

	private final boolean sasl;

	private State state = State.HEADER;

	private int opcode;

	private int keyLength;

	private int extrasLength;

	private long bodyLength;

	private int opaque;

	private long cas;

	private @Nullable Key key;

	private byte[] extras = new byte[0];

	private @Nullable ValueAccumulator value;

	private final PendingValues pendingValues;

	private long swallowRemaining;

	private @Nullable BinaryRejection afterSwallow;

	/**
	 * Creates a decoder for one connection.
	 * @param maxItemSize the largest item accepted, counted as memcached counts it
	 * @param sasl whether the SASL requests are served (authentication is on)
	 * @param pendingValues the server-wide budget for values still arriving
	 * @param bytesRead the server-wide count of bytes received
	 */
	public BinaryCommandDecoder(int maxItemSize, boolean sasl, PendingValues pendingValues, LongAdder bytesRead) {
		super(bytesRead, new MemcachedReadBuffer());
		this.maxItemSize = maxItemSize;
		this.sasl = sasl;
		this.pendingValues = pendingValues;
	}

	/** A value that will never complete gives its reservation back. */
	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		ValueAccumulator value = this.value;
		if (value != null) {
			this.value = null;
			value.discard();
		}
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		boolean progress = true;
		int requestStart = out.size();
		// a request with no body is complete once its header is in: keep going without new bytes
		while (progress) {
			State reading = this.state;
			int before = in.readerIndex();
			progress = switch (reading) {
				case HEADER -> readHeader(in, out);
				case BODY -> readBody(in, out);
				case VALUE -> readValue(in, out);
				case SWALLOW -> swallow(in, out);
				case CLOSED -> {
					in.skipBytes(in.readableBytes());
					yield false;
				}
			};
			if (reading == State.VALUE || reading == State.SWALLOW) {
				readBuffer().skip(in.readerIndex() - before);
			}
			if (out.size() > requestStart && this.state == State.HEADER) {
				// a refusal answered once its body was thrown away is no write point
				requestDone(out.size() - requestStart,
						reading != State.SWALLOW && isWritePoint(out.get(out.size() - 1)));
				requestStart = out.size();
			}
		}
	}

	/**
	 * Whether memcached writes its queued answers once it has answered this request, whatever
	 * the answer: a no-op, a quit, a refusal answered at once.
	 */
	private static boolean isWritePoint(Object request) {
		if (request instanceof BinaryRequest binary) {
			return binary.command() == Opcodes.NOOP || binary.command() == Opcodes.QUIT;
		}
		return request instanceof BinaryRejection;
	}

	/**
	 * An error answer to a request carried out is a write point: memcached writes an error
	 * (its {@code write_bin_error}) at once. A miss of a get that returns its key is not an
	 * error there: it carries the key.
	 */
	@Override
	public boolean writesBack(MemcachedCommand command, ByteBuf answer) {
		int at = answer.readerIndex();
		return !(command instanceof BinaryRejection) && answer.readableBytes() >= HEADER_LENGTH
				&& answer.getUnsignedShort(at + 6) != 0 && answer.getUnsignedShort(at + 2) == 0;
	}

	/**
	 * memcached waits for a value or bytes to discard straight from the socket; a header, its
	 * extras and key it takes from its buffer only once all are there, writing before it reads
	 * more, as for the start of a text line.
	 */
	@Override
	protected boolean waitingForBody() {
		return this.state == State.VALUE || this.state == State.SWALLOW;
	}

	@Override
	protected boolean isClosed() {
		return this.state == State.CLOSED;
	}

	private boolean readHeader(ByteBuf in, List<Object> out) {
		// memcached judges a header only once all of it has arrived
		if (in.readableBytes() < HEADER_LENGTH) {
			return false;
		}
		if ((in.getByte(in.readerIndex()) & 0xff) != Opcodes.REQUEST_MAGIC) {
			// memcached hangs up on a packet that does not start as a request
			close(in, out, ErrorReply.CLOSE);
			return false;
		}
		in.skipBytes(1);
		this.opcode = in.readUnsignedByte();
		this.keyLength = in.readUnsignedShort();
		this.extrasLength = in.readUnsignedByte();
		in.skipBytes(3);
		this.bodyLength = in.readUnsignedInt();
		this.opaque = in.readInt();
		this.cas = in.readLong();
		this.state = State.BODY;
		return true;
	}

	/** memcached reads the extras and the key before it judges a request. */
	private boolean readBody(ByteBuf in, List<Object> out) {
		if (in.readableBytes() < this.extrasLength + this.keyLength) {
			return false;
		}
		int length = HEADER_LENGTH + this.extrasLength + this.keyLength;
		if (!readBuffer().take(length)) {
			readBuffer().startsBufferWith(length);
		}
		this.extras = new byte[this.extrasLength];
		in.readBytes(this.extras);
		byte[] keyBytes = new byte[this.keyLength];
		in.readBytes(keyBytes);
		this.key = (this.keyLength > 0) ? Key.wrap(keyBytes) : null;
		this.state = State.HEADER;
		if ((long) this.keyLength + this.extrasLength > this.bodyLength) {
			close(in, out, new BinaryRejection(this.opcode, this.opaque, Opcodes.STATUS_UNKNOWN_COMMAND, true, null,
					true));
			return false;
		}
		if (this.keyLength > KEY_MAX_LENGTH) {
			close(in, out, reject(Opcodes.STATUS_INVALID_ARGUMENTS, true, null));
			return false;
		}
		int command = Opcodes.plain(this.opcode);
		boolean saslRequest = command == Opcodes.SASL_LIST_MECHS || command == Opcodes.SASL_AUTH
				|| command == Opcodes.SASL_STEP;
		if (!Opcodes.isKnown(command, this.sasl) && !saslRequest) {
			// memcached discards a whole body length after the extras and key it already read
			return swallow(this.bodyLength, reject(Opcodes.STATUS_UNKNOWN_COMMAND, false, null), out);
		}
		if (!lengthsValid(command)) {
			close(in, out, reject(Opcodes.STATUS_INVALID_ARGUMENTS, true, null));
			return false;
		}
		if (!Opcodes.isKnown(command, this.sasl)) {
			// a SASL request to a server without SASL: memcached checks its lengths as usual, then
			// answers "unknown command" and skips just the rest of its body
			return swallow(this.bodyLength - this.keyLength - this.extrasLength,
					reject(Opcodes.STATUS_UNKNOWN_COMMAND, false, null), out);
		}
		boolean saslExchange = command == Opcodes.SASL_AUTH || command == Opcodes.SASL_STEP;
		if (saslExchange && this.keyLength > SASL_MECHANISM_MAX_LENGTH) {
			return swallow(this.bodyLength - this.keyLength, reject(Opcodes.STATUS_INVALID_ARGUMENTS, false, null), out);
		}
		if (saslExchange || command == Opcodes.SET || command == Opcodes.ADD || command == Opcodes.REPLACE
				|| command == Opcodes.APPEND || command == Opcodes.PREPEND) {
			return startValue(command, out);
		}
		out.add(request(new byte[0]));
		return true;
	}

	private boolean startValue(int command, List<Object> out) {
		long length = this.bodyLength - this.keyLength - this.extrasLength;
		int flags = (this.extrasLength >= 4) ? readInt(this.extras, 0) : 0;
		// a refused storage request is still counted for its key's prefix, and a refused set drops
		// the key's old item, as in memcached; a SASL exchange stores nothing
		Key storageKey = (command == Opcodes.SASL_AUTH || command == Opcodes.SASL_STEP) ? null : this.key;
		if (ItemSize.of(this.keyLength, length, flags) > this.maxItemSize) {
			return swallow(length, reject(Opcodes.STATUS_TOO_LARGE, false, storageKey), out);
		}
		if (length == 0) {
			out.add(request(new byte[0]));
			return true;
		}
		// an append or prepend with a CAS unique is checked by a read before it runs: on the heap
		boolean stored = command == Opcodes.SET || command == Opcodes.ADD || command == Opcodes.REPLACE
				|| ((command == Opcodes.APPEND || command == Opcodes.PREPEND) && this.cas == 0);
		ValueAccumulator value = stored ? this.pendingValues.receive(this.key, (int) length, flags)
				: this.pendingValues.accumulate((int) length);
		if (value == null) {
			// like memcached without memory for the item: refused, its body swallowed
			return swallow(length, reject(Opcodes.STATUS_OUT_OF_MEMORY, false, storageKey), out);
		}
		this.value = value;
		this.state = State.VALUE;
		return true;
	}

	private boolean readValue(ByteBuf in, List<Object> out) {
		if (!in.isReadable() || !this.value.fill(in)) {
			return false;
		}
		this.state = State.HEADER;
		ByteBuf received = this.value.takeReceived();
		out.add((received != null) ? new ReceivedValueCommand(request(NO_BYTES), received) : request(this.value.value()));
		this.value = null;
		return true;
	}

	/**
	 * Discards a refused request's remaining body, then answers it: memcached, too, answers
	 * only once the bytes it throws away have arrived. memcached holds the length in a signed
	 * int: 2 GiB or more is negative there, so it answers at once and reads the next request
	 * from the bytes after the key.
	 */
	private boolean swallow(long bytes, BinaryRejection answer, List<Object> out) {
		if ((int) bytes <= 0) {
			out.add(answer);
			return true;
		}
		this.swallowRemaining = bytes;
		this.afterSwallow = answer;
		this.state = State.SWALLOW;
		return true;
	}

	private boolean swallow(ByteBuf in, List<Object> out) {
		if (!in.isReadable()) {
			return false;
		}
		int skip = (int) Math.min(in.readableBytes(), this.swallowRemaining);
		in.skipBytes(skip);
		this.swallowRemaining -= skip;
		if (this.swallowRemaining == 0) {
			out.add(this.afterSwallow);
			this.afterSwallow = null;
			this.state = State.HEADER;
		}
		return true;
	}

	/** The length rules of memcached 1.6's dispatch_bin_command, per opcode. */
	private boolean lengthsValid(int command) {
		int extras = this.extrasLength;
		int key = this.keyLength;
		long body = this.bodyLength;
		return switch (command) {
			case Opcodes.VERSION, Opcodes.NOOP, Opcodes.QUIT -> extras == 0 && key == 0 && body == 0;
			case Opcodes.FLUSH -> key == 0 && body == extras && (extras == 0 || extras == 4);
			case Opcodes.SET, Opcodes.ADD, Opcodes.REPLACE -> extras == 8 && key != 0 && body >= key + 8;
			case Opcodes.GET, Opcodes.GETK, Opcodes.DELETE -> extras == 0 && key > 0 && body == key;
			case Opcodes.INCREMENT, Opcodes.DECREMENT -> key > 0 && extras == 20 && body == key + extras;
			case Opcodes.APPEND, Opcodes.PREPEND -> key > 0 && extras == 0;
			case Opcodes.STAT -> extras == 0;
			case Opcodes.TOUCH, Opcodes.GAT, Opcodes.GATK -> extras == 4 && key != 0;
			case Opcodes.SASL_LIST_MECHS -> extras == 0 && key == 0 && body == 0;
			case Opcodes.SASL_AUTH, Opcodes.SASL_STEP -> extras == 0 && key != 0;
			default -> false;
		};
	}

	private BinaryRequest request(byte[] requestValue) {
		int command = Opcodes.plain(this.opcode);
		return new BinaryRequest(this.opcode, command, command != this.opcode, this.opaque, this.cas, this.key,
				this.extras, requestValue);
	}

	private BinaryRejection reject(int status, boolean closeConnection, @Nullable Key storageKey) {
		return new BinaryRejection(this.opcode, this.opaque, status, closeConnection, storageKey, false);
	}

	private void close(ByteBuf in, List<Object> out, Object last) {
		in.skipBytes(in.readableBytes());
		out.add(last);
		this.state = State.CLOSED;
	}

	/**
	 * Reads a big-endian 32-bit number.
	 * @param bytes the bytes
	 * @param offset where the number starts
	 * @return the number
	 */
	public static int readInt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
				| (bytes[offset + 3] & 0xff);
	}

	/**
	 * Reads a big-endian 64-bit number.
	 * @param bytes the bytes
	 * @param offset where the number starts
	 * @return the number
	 */
	public static long readLong(byte[] bytes, int offset) {
		return ((long) readInt(bytes, offset) << 32) | (readInt(bytes, offset + 4) & 0xffffffffL);
	}

}
