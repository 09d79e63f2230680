package io.github.memcachedserver.server;

import io.github.memcachedserver.observation.MemcachedObservationContext;
import io.micrometer.observation.Observation;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * What became of one command, told to its observation once the command finishes: once per
 * command, however many keys it read. Used by one command at a time, in its answer's order.
 */
final class CommandOutcome {

	private final Observation observation;

	/** The outcome, or {@code null} for a read: then the hits and misses tell it. */
	@Nullable String result;

	private @Nullable Throwable error;

	/** Whether the observation has stopped: a cancel after the last part changes nothing. */
	private boolean stopped;

	int hits;

	int misses;

	CommandOutcome(Observation observation) {
		this.observation = observation;
	}

	Observation observation() {
		return this.observation;
	}

	ByteBuf set(String result, ByteBuf answer) {
		this.result = result;
		return answer;
	}

	/** Notes a handler failure, answered by {@code answer}. */
	ByteBuf failed(Throwable ex, ByteBuf answer) {
		this.result = "error";
		this.error = ex;
		return answer;
	}

	/**
	 * Stops the observation as the command's last answer part is handed on, so that it has
	 * stopped before a client can read the answer.
	 * @param lastPart the part, passed through
	 */
	@Nullable ByteBuf finished(@Nullable ByteBuf lastPart) {
		if (!this.observation.isNoop()) {
			stopOnce((this.result != null) ? this.result : reads(), this.error);
		}
		return lastPart;
	}

	/** Stops the observation of a command whose answer was abandoned with its connection. */
	void cancelled() {
		if (!this.observation.isNoop()) {
			stopOnce(MemcachedObservationContext.CANCELLED, null);
		}
	}

	/** A cancel from the event loop may race the answer's completion on a handler's thread. */
	private synchronized void stopOnce(String outcome, @Nullable Throwable error) {
		if (!this.stopped) {
			this.stopped = true;
			CommandObservations.stop(this.observation, outcome, error);
		}
	}

	private String reads() {
		if (this.hits > 0) {
			return (this.misses == 0) ? "hit" : "partial_hit";
		}
		return "miss";
	}

}
