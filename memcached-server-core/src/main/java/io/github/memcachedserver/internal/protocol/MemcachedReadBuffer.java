package io.github.memcachedserver.internal.protocol;

/**
 * memcached's read buffer as a connection's bytes pass through it: where it ends, so that a long
 * line memcached cannot hold closes the connection here too, and where memcached writes the
 * answers it has queued, so that the ones it holds back are held here too. One object for both,
 * touched by every line: with a thousand connections taking turns, each object of a
 * connection's own is one more cache miss.
 * <p>
 * <b>Where the buffer ends</b>, when the client sends everything at once: memcached reads up to
 * 16 KiB, runs the complete lines in them, and hangs up when what is left is more than 2048
 * bytes of a line without its end (unless the line starts as a multi-key get, for which it
 * grows the buffer); a shorter rest moves to the front and the buffer fills up again. A data
 * block or refused bytes that run past the buffer are read on their own, so the next line
 * starts a new buffer. So does the next line after the client paused: memcached read all there
 * was, and what is left of a line moves to the front of a buffer filled anew.
 * <p>
 * <b>Where memcached writes</b> (1.6.18's connection state machine), and counts the queued
 * answers from zero again:
 * <ul>
 * <li>after a {@code get}, {@code gets}, {@code gat} or {@code gats} it answered, and after
 * {@code mn};</li>
 * <li>when it has carried out {@code reqs_per_event} (20) requests since the socket became
 * readable: after the 21st line of a read (it counts down from 20 to below zero), then after
 * every 20th, as it yields to other connections and resumes;</li>
 * <li>when its buffer runs empty or holds only the start of a line, before it reads again.</li>
 * </ul>
 * It does not write while it waits for the rest of a data block (or of bytes it throws away):
 * those are read straight from the socket, and the answers queued before wait with them.
 * <p>
 * A binary request's header, extras and key are its line: memcached takes them from its buffer
 * only once all are there, and its value is read like a data block.
 *
 * @since 0.1.0
 */
public final class MemcachedReadBuffer {

	/** memcached's {@code READ_BUFFER_SIZE}. */
	private static final int BUFFER_SIZE = 16 * 1024;

	/** memcached's {@code reqs_per_event}. */
	private static final int REQUESTS_PER_EVENT = 20;

	private final int maxPartialLine;

	/** The bytes of memcached's buffer left from the next unread byte on. */
	private int remaining;

	/** Answers queued since memcached last wrote, counted in decoded commands. */
	private int unwritten;

	/** Lines carried out since the read began or {@code reqs_per_event} last forced a write. */
	private int lines;

	/** How many lines force the next write: one more in the first round of a read. */
	private int linesPerRound = REQUESTS_PER_EVENT + 1;

	/**
	 * Creates the buffer of a text connection.
	 * @param maxPartialLine the most of an unfinished line memcached keeps (2048)
	 */
	public MemcachedReadBuffer(int maxPartialLine) {
		this.maxPartialLine = maxPartialLine;
	}

	/** Creates the buffer of a binary connection, which holds no lines. */
	public MemcachedReadBuffer() {
		this(0);
	}

	/**
	 * Reads a complete line through the buffer when it fits in what is left of it.
	 * @param length the line's length, its line end included
	 * @return whether it fitted; if not, {@link #closesOnLongLine} decides
	 */
	public boolean take(int length) {
		if (this.remaining == 0) {
			this.remaining = BUFFER_SIZE;
			emptied();
		}
		if (length > this.remaining) {
			return false;
		}
		this.remaining -= length;
		return true;
	}

	/**
	 * Reads a complete line that does not fit in what is left of the buffer: memcached had only
	 * its start, and wrote before it read the rest.
	 * @param length the line's length, its line end included
	 * @param multiGet whether it starts as a multi-key get
	 * @return whether memcached would have closed the connection instead
	 */
	public boolean closesOnLongLine(int length, boolean multiGet) {
		if (multiGet) {
			// memcached grows its buffer for the line; what follows starts a new read
			this.remaining = 0;
			emptied();
			return false;
		}
		if (this.remaining > this.maxPartialLine || length > BUFFER_SIZE) {
			return true;
		}
		startsBufferWith(length);
		return false;
	}

	/**
	 * Reads a request that memcached had only the start of: it wrote, moved the start to the
	 * front of its buffer and filled it up again.
	 * @param length the request's length as memcached takes it from the buffer
	 */
	public void startsBufferWith(int length) {
		this.remaining = Math.max(0, BUFFER_SIZE - length);
		emptied();
	}

	/**
	 * Moves past bytes read other than as a line (a data block, refused bytes).
	 * @param bytes how many
	 */
	public void skip(int bytes) {
		this.remaining = Math.max(0, this.remaining - bytes);
	}

	/**
	 * memcached read all there was (the client paused), or the rest of a data block it waited
	 * for: it has written, and the next line starts a new buffer.
	 */
	public void startOver() {
		this.remaining = 0;
		emptied();
	}

	/** The answers queued so far leave now, though memcached's buffer goes on. */
	public void written() {
		this.unwritten = 0;
	}

	/**
	 * A line (or binary request) has been carried out.
	 * @param commands how many commands it decoded to
	 * @param writesBack whether memcached writes once it has answered it
	 */
	public void requestDone(int commands, boolean writesBack) {
		this.unwritten = writesBack ? 0 : this.unwritten + commands;
		if (++this.lines == this.linesPerRound) {
			this.unwritten = 0;
			this.lines = 0;
			this.linesPerRound = REQUESTS_PER_EVENT;
		}
	}

	/**
	 * Tells how many answers memcached holds.
	 * @return how many of the commands decoded last have answers memcached has not written
	 */
	public int unwritten() {
		return this.unwritten;
	}

	/** memcached wrote its queued answers and reads anew. */
	private void emptied() {
		this.unwritten = 0;
		this.lines = 0;
		this.linesPerRound = REQUESTS_PER_EVENT + 1;
	}

}
