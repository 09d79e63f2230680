package io.github.memcachedserver.handler;

import java.util.Locale;

/**
 * The outcome of a storage command, named as memcached answers it, and for a stored item its
 * new CAS unique when the handler knows it ({@link #stored(long)}): the binary protocol and
 * meta {@code ms} answer with that unique, and without it they have to read the item back.
 *
 * @since 0.1.0
 */
public final class StoreResult {

	/** The value was stored (its CAS unique not told). */
	public static final StoreResult STORED = new StoreResult(Status.STORED, 0);

	/** The value was not stored because a condition (add, replace, append, prepend) failed. */
	public static final StoreResult NOT_STORED = new StoreResult(Status.NOT_STORED, 0);

	/** A {@code cas} found the item changed since the client read it. */
	public static final StoreResult EXISTS = new StoreResult(Status.EXISTS, 0);

	/** A {@code cas} found no item. */
	public static final StoreResult NOT_FOUND = new StoreResult(Status.NOT_FOUND, 0);

	private final Status status;

	private final long cas;

	private StoreResult(Status status, long cas) {
		this.status = status;
		this.cas = cas;
	}

	/**
	 * The value was stored, and the item now has this CAS unique.
	 * @param cas the stored item's CAS unique (0: not known)
	 * @return the result
	 */
	public static StoreResult stored(long cas) {
		return (cas != 0) ? new StoreResult(Status.STORED, cas) : STORED;
	}

	/**
	 * Returns what became of the command.
	 * @return the status
	 */
	public Status status() {
		return this.status;
	}

	/**
	 * Tells whether the value was stored.
	 * @return whether it was
	 */
	public boolean isStored() {
		return this.status == Status.STORED;
	}

	/**
	 * Returns the stored item's new CAS unique.
	 * @return the unique, or 0 when the handler did not tell it (or nothing was stored)
	 */
	public long cas() {
		return this.cas;
	}

	/**
	 * Returns the outcome as metrics tag it.
	 * @return e.g. {@code not_stored}
	 */
	public String metricName() {
		return this.status.metricName;
	}

	@Override
	public boolean equals(Object other) {
		return (this == other)
				|| (other instanceof StoreResult result && this.status == result.status && this.cas == result.cas);
	}

	@Override
	public int hashCode() {
		return this.status.hashCode() * 31 + Long.hashCode(this.cas);
	}

	@Override
	public String toString() {
		return (this.cas != 0) ? this.status + " (cas " + this.cas + ")" : this.status.name();
	}

	/**
	 * What became of a storage command.
	 */
	public enum Status {

		/** The value was stored. */
		STORED,

		/** A condition (add, replace, append, prepend) failed. */
		NOT_STORED,

		/** A {@code cas} found the item changed. */
		EXISTS,

		/** A {@code cas} found no item. */
		NOT_FOUND;

		private final String metricName = name().toLowerCase(Locale.ROOT);

	}

}
