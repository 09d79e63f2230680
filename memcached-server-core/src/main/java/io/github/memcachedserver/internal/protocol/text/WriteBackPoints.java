package io.github.memcachedserver.internal.protocol.text;

/**
 * Counts the commands whose answers memcached 1.6.18 has queued but not yet written. Its
 * connection state machine writes (and the count starts again):
 * <ul>
 * <li>after a {@code get}, {@code gets}, {@code gat} or {@code gats} it answered, and after
 * {@code mn};</li>
 * <li>when it has carried out {@code reqs_per_event} (20) requests since the socket became
 * readable: after the 21st line of a read, then after every 20th, as it yields to other
 * connections;</li>
 * <li>when its read buffer runs empty, or holds only the start of a line, before it reads
 * again.</li>
 * </ul>
 * It does not write while it waits for the rest of a data block (or of bytes it throws away):
 * those are read straight from the socket, and the answers queued before wait with them.
 */
final class WriteBackPoints {

	/** memcached's {@code reqs_per_event}. */
	private static final int REQUESTS_PER_EVENT = 20;

	/** Answers queued since the last write, counted in decoded commands. */
	private int unwritten;

	/** Lines carried out since the last write that {@code reqs_per_event} forced. */
	private int lines;

	/**
	 * How many lines make the next forced write: one more in the first round after a read, as
	 * memcached counts down from 20 to below zero before it yields; a round after a yield
	 * starts by counting the request it resumes with.
	 */
	private int linesPerRound = REQUESTS_PER_EVENT + 1;

	/**
	 * A line has been carried out.
	 * @param commands how many commands it decoded to
	 * @param writesBack whether memcached writes once it has answered it
	 */
	void lineDone(int commands, boolean writesBack) {
		this.unwritten = writesBack ? 0 : this.unwritten + commands;
		if (++this.lines == this.linesPerRound) {
			this.unwritten = 0;
			this.lines = 0;
			this.linesPerRound = REQUESTS_PER_EVENT;
		}
	}

	/** memcached's read buffer ran empty (or held only the start of a line): it wrote, and reads anew. */
	void bufferEmptied() {
		this.unwritten = 0;
		this.lines = 0;
		this.linesPerRound = REQUESTS_PER_EVENT + 1;
	}

	/**
	 * @return how many of the commands decoded last have answers memcached has not written
	 */
	int unwritten() {
		return this.unwritten;
	}

}
