package io.github.memcachedserver.internal.protocol.text;

/**
 * Where memcached's read buffer ends when the client has sent everything at once, so that a
 * long line memcached cannot hold closes the connection here too. memcached reads up to 16 KiB,
 * runs the complete lines in them, and hangs up when what is left is more than 2048 bytes of a
 * line without its end (unless the line starts as a multi-key get, for which it grows the
 * buffer); a shorter rest moves to the front and the buffer fills up again. A data block or
 * refused bytes that run past the buffer are read on their own, so the next line starts a new
 * buffer. So does the next line after the client paused: memcached read all there was, and
 * what is left of a line moves to the front of a buffer filled anew.
 */
final class ReadWindow {

	/** memcached's {@code READ_BUFFER_SIZE}. */
	private static final int BUFFER_SIZE = 16 * 1024;

	private final int maxPartialLine;

	/** The bytes of memcached's buffer left from the next unread byte on. */
	private int remaining;

	/**
	 * @param maxPartialLine the most of an unfinished line memcached keeps (2048)
	 */
	ReadWindow(int maxPartialLine) {
		this.maxPartialLine = maxPartialLine;
	}

	/**
	 * @return whether the next line starts a new buffer: memcached's ran empty
	 */
	boolean isEmpty() {
		return this.remaining == 0;
	}

	/** The client paused (or a data block ran past the buffer): the next line starts a new buffer. */
	void startOver() {
		this.remaining = 0;
	}

	/**
	 * Reads a complete line through the window when it fits in what is left of the buffer.
	 * @param length the line's length, its line end included
	 * @return whether it fitted; if not, {@link #closesOnLongLine} decides
	 */
	boolean take(int length) {
		if (this.remaining == 0) {
			this.remaining = BUFFER_SIZE;
		}
		if (length > this.remaining) {
			return false;
		}
		this.remaining -= length;
		return true;
	}

	/**
	 * Reads a complete line that does not fit in what is left of the buffer.
	 * @param length the line's length, its line end included
	 * @param multiGet whether it starts as a multi-key get
	 * @return whether memcached would have closed the connection instead
	 */
	boolean closesOnLongLine(int length, boolean multiGet) {
		if (multiGet) {
			// memcached grows its buffer for the line; what follows starts a new read
			this.remaining = 0;
			return false;
		}
		if (this.remaining > this.maxPartialLine || length > BUFFER_SIZE) {
			return true;
		}
		this.remaining = BUFFER_SIZE - length;
		return false;
	}

	/**
	 * Moves the window past bytes read other than as a line (a data block, refused bytes).
	 * @param bytes how many
	 */
	void skip(int bytes) {
		this.remaining = Math.max(0, this.remaining - bytes);
	}

}
