package io.github.memcachedserver.handler;

/**
 * The figures a storing handler can report to memcached's {@code stats} command. A handler
 * in front of another system usually has none of them and reports nothing.
 *
 * @since 0.1.0
 */
public interface StoreStatistics {

	/**
	 * Returns the configured memory limit ({@code limit_maxbytes}).
	 * @return the limit in bytes
	 */
	long memoryLimit();

	/**
	 * Returns the bytes the items take, counted as memcached counts them ({@code bytes}).
	 * @return the bytes used
	 */
	long bytesUsed();

	/**
	 * Returns the number of items held ({@code curr_items}).
	 * @return the item count
	 */
	long itemCount();

	/**
	 * Returns the number of items ever stored ({@code total_items}).
	 * @return the count
	 */
	long totalItems();

	/**
	 * Returns the number of live items removed to make room ({@code evictions}).
	 * @return the count
	 */
	long evictions();

	/**
	 * Returns the number of expired items whose memory was taken back ({@code reclaimed}).
	 * @return the count
	 */
	long reclaimed();

	/**
	 * Returns the number of reads that found an expired item ({@code get_expired}).
	 * @return the count
	 */
	long expiredReads();

	/**
	 * Returns the number of reads that found an item invalidated by {@code flush_all}
	 * ({@code get_flushed}).
	 * @return the count
	 */
	long flushedReads();

	/**
	 * Returns the largest item accepted ({@code item_size_max}).
	 * @return the size in bytes
	 */
	int maxItemSize();

	/**
	 * Sets the counters that {@code stats reset} clears back to zero.
	 */
	void resetStatistics();

	/**
	 * Shows the live items to {@code stats cachedump}, one at a time, until the visitor has
	 * seen enough. Items whose keys came base64-encoded (meta {@code b}) are left out, as
	 * memcached leaves them out.
	 * @param visitor sees each item
	 */
	void visitItems(ItemVisitor visitor);

	/**
	 * Sees the items of {@link #visitItems}.
	 */
	@FunctionalInterface
	interface ItemVisitor {

		/**
		 * Sees one item.
		 * @param key the key bytes
		 * @param valueLength the value's length in bytes
		 * @param expiresAt when the item expires, in epoch seconds, 0 for never
		 * @return whether to see more items
		 */
		boolean visit(byte[] key, int valueLength, long expiresAt);

	}

}
