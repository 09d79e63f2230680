package io.github.memcachedserver.handler;

import org.jspecify.annotations.Nullable;

/**
 * What a meta command found or did, for the server to answer with the flags the client
 * asked for.
 *
 * @param status the outcome
 * @param value the item's value (for {@code v}), or the new number of {@code ma}
 * @param clientFlags the item's client flags ({@code f})
 * @param cas the item's CAS unique ({@code c}); 0 when unknown
 * @param ttl the seconds the item has left ({@code t}), -1 for unlimited
 * @param secondsSinceAccess seconds since the item was last read, before this command
 * ({@code l})
 * @param fetchedBefore whether the item had been read before this command ({@code h})
 * @param won whether this client won the right to recache the item ({@code W})
 * @param stale whether the item is stale ({@code X})
 * @param tokenSent whether another client already won the recache ({@code Z})
 * @param size the item's size as memcached counts it, for {@code me}
 * @param binaryKey whether the item was stored under a base64-sent key, so {@code k}
 * answers it base64-encoded
 * @since 0.1.0
 */
public record MetaResult(Status status, byte @Nullable [] value, int clientFlags, long cas, long ttl,
		long secondsSinceAccess, boolean fetchedBefore, boolean won, boolean stale, boolean tokenSent, long size,
		boolean binaryKey) {

	/**
	 * Creates a result that carries no item.
	 * @param status the outcome
	 * @return the result
	 */
	public static MetaResult of(Status status) {
		return new MetaResult(status, null, 0, 0, -1, 0, false, false, false, false, 0, false);
	}

	/**
	 * Creates a hit from a plain item, for handlers that know nothing more about it.
	 * @param item the item
	 * @return the result
	 */
	public static MetaResult hit(Item item) {
		return new MetaResult(Status.HIT, item.value(), item.flags(), item.cas(), -1, 0, false, false, false, false, 0,
				false);
	}

	/**
	 * Returns this result with another value.
	 * @param newValue the value
	 * @return the result
	 */
	public MetaResult withValue(byte[] newValue) {
		return new MetaResult(this.status, newValue, this.clientFlags, this.cas, this.ttl, this.secondsSinceAccess,
				this.fetchedBefore, this.won, this.stale, this.tokenSent, this.size, this.binaryKey);
	}

	/**
	 * The outcomes of meta commands.
	 */
	public enum Status {

		/** The item was found or the operation succeeded ({@code HD} or {@code VA}). */
		HIT,
		/**
		 * {@code ma} with {@code N} created the counter: answered like {@link #HIT}, counted
		 * neither as a hit nor as a miss, as memcached 1.6.18 counts it.
		 */
		CREATED,
		/** A read missed ({@code EN}). */
		MISS,
		/** The item to change was not found ({@code NF}). */
		NOT_FOUND,
		/** The item was not stored ({@code NS}). */
		NOT_STORED,
		/** A CAS comparison failed ({@code EX}). */
		EXISTS;

		/**
		 * Tells whether the command found or made its item: {@link #HIT} or {@link #CREATED}.
		 * @return whether it succeeded
		 */
		public boolean succeeded() {
			return this == HIT || this == CREATED;
		}

	}

}
