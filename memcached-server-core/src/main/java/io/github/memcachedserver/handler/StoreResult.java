package io.github.memcachedserver.handler;

import java.util.Locale;

/**
 * The outcome of a storage command, named as memcached answers it.
 *
 * @since 0.1.0
 */
public enum StoreResult {

	/** The value was stored. */
	STORED,

	/** The value was not stored because a condition (add, replace, append, prepend) failed. */
	NOT_STORED,

	/** A {@code cas} found the item changed since the client read it. */
	EXISTS,

	/** A {@code cas} found no item. */
	NOT_FOUND;

	private final String metricName = name().toLowerCase(Locale.ROOT);

	/**
	 * Returns the outcome as metrics tag it.
	 * @return e.g. {@code not_stored}
	 */
	public String metricName() {
		return this.metricName;
	}

}
