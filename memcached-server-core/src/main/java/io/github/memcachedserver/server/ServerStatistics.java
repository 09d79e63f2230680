package io.github.memcachedserver.server;

import java.util.concurrent.atomic.LongAdder;

import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.StoreResult;

/**
 * The server's counters, named after the fields of memcached's {@code stats} that they
 * feed. Counted per command outcome in the dispatcher, so they hold for any handler.
 *
 * @since 0.1.0
 */
public final class ServerStatistics {

	final LongAdder totalConnections = new LongAdder();

	/**
	 * Listening sockets opened: memcached counts them in its {@code total_connections}, as it
	 * makes a connection structure for each; the connections meter leaves them out.
	 */
	final LongAdder listenersOpened = new LongAdder();

	final LongAdder currentConnections = new LongAdder();

	final LongAdder rejectedConnections = new LongAdder();

	final LongAdder cmdGet = new LongAdder();

	final LongAdder cmdSet = new LongAdder();

	final LongAdder cmdFlush = new LongAdder();

	final LongAdder cmdTouch = new LongAdder();

	final LongAdder getHits = new LongAdder();

	final LongAdder getMisses = new LongAdder();

	final LongAdder deleteHits = new LongAdder();

	final LongAdder deleteMisses = new LongAdder();

	final LongAdder incrHits = new LongAdder();

	final LongAdder incrMisses = new LongAdder();

	final LongAdder decrHits = new LongAdder();

	final LongAdder decrMisses = new LongAdder();

	final LongAdder casHits = new LongAdder();

	final LongAdder casMisses = new LongAdder();

	final LongAdder casBadval = new LongAdder();

	final LongAdder touchHits = new LongAdder();

	final LongAdder touchMisses = new LongAdder();

	final LongAdder storeTooLarge = new LongAdder();

	final LongAdder storeNoMemory = new LongAdder();

	final LongAdder authCmds = new LongAdder();

	final LongAdder authErrors = new LongAdder();

	final LongAdder bytesRead = new LongAdder();

	final LongAdder bytesWritten = new LongAdder();

	/** The per-prefix counts of {@code stats detail}. */
	final KeyPrefixStatistics prefixes;

	ServerStatistics(KeyPrefixStatistics prefixes) {
		this.prefixes = prefixes;
	}

	/**
	 * Returns the number of open client connections.
	 * @return the count
	 */
	public long currentConnections() {
		return this.currentConnections.sum();
	}

	/**
	 * Returns the number of connections accepted since start.
	 * @return the count
	 */
	public long totalConnections() {
		return this.totalConnections.sum();
	}

	/**
	 * Returns the number of connections refused over the connection limit.
	 * @return the count
	 */
	public long rejectedConnections() {
		return this.rejectedConnections.sum();
	}

	/**
	 * Returns the number of bytes read from clients.
	 * @return the count
	 */
	public long bytesRead() {
		return this.bytesRead.sum();
	}

	/**
	 * Returns the number of bytes written to clients.
	 * @return the count
	 */
	public long bytesWritten() {
		return this.bytesWritten.sum();
	}

	/** Counts a read of one key ({@code get_hits}/{@code get_misses}, {@code cmd_get}). */
	void countGet(boolean hit) {
		this.cmdGet.increment();
		(hit ? this.getHits : this.getMisses).increment();
	}

	/** Counts a touch or a get-and-touch of one key. */
	void countTouch(boolean hit) {
		this.cmdTouch.increment();
		(hit ? this.touchHits : this.touchMisses).increment();
	}

	/** Counts a delete. */
	void countDelete(boolean deleted) {
		(deleted ? this.deleteHits : this.deleteMisses).increment();
	}

	/** Counts an incr or decr. */
	void countArithmetic(boolean increment, boolean hit) {
		(increment ? (hit ? this.incrHits : this.incrMisses) : (hit ? this.decrHits : this.decrMisses)).increment();
	}

	/** Counts the outcome of a cas. */
	void countCas(StoreResult result) {
		switch (result.status()) {
			case STORED -> this.casHits.increment();
			case EXISTS -> this.casBadval.increment();
			case NOT_FOUND -> this.casMisses.increment();
			default -> {
			}
		}
	}

	/** Counts the outcome of an {@code ms} that compares a CAS unique as a {@code cas} does. */
	void countCas(MetaResult.Status status) {
		switch (status) {
			case HIT -> this.casHits.increment();
			case EXISTS -> this.casBadval.increment();
			case NOT_FOUND -> this.casMisses.increment();
			default -> {
			}
		}
	}

	/**
	 * Clears the counters that memcached's {@code stats reset} clears (not the gauges), and
	 * forgets the prefixes of {@code stats detail}.
	 */
	void reset() {
		for (LongAdder counter : new LongAdder[] { this.totalConnections, this.listenersOpened, this.rejectedConnections, this.cmdGet,
				this.cmdSet, this.cmdFlush, this.cmdTouch, this.getHits, this.getMisses, this.deleteHits,
				this.deleteMisses, this.incrHits, this.incrMisses, this.decrHits, this.decrMisses, this.casHits,
				this.casMisses, this.casBadval, this.touchHits, this.touchMisses, this.storeTooLarge, this.storeNoMemory, this.bytesRead,
				this.bytesWritten }) {
			counter.reset();
		}
		this.prefixes.clear();
	}

}
