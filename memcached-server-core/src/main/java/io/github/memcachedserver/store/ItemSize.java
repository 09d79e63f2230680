package io.github.memcachedserver.store;

/**
 * How many bytes an item occupies, counted as memcached 1.6 counts it on a 64-bit build
 * (its {@code ITEM_ntotal}): a 48-byte header, an 8-byte CAS unique, the key and a NUL,
 * the value and its "\r\n", and 4 bytes for non-zero client flags. Using memcached's
 * arithmetic keeps {@code bytes}, {@code limit_maxbytes} and the "too large" boundary
 * identical to the real server's.
 *
 * @since 0.1.0
 */
public final class ItemSize {

	private static final int HEADER_AND_CAS = 48 + 8;

	private ItemSize() {
	}

	/**
	 * Returns an item's accounted size.
	 * @param keyLength the key length
	 * @param valueLength the value length
	 * @param flags the client flags
	 * @return the size in bytes
	 */
	public static long of(int keyLength, long valueLength, int flags) {
		return HEADER_AND_CAS + keyLength + 1 + valueLength + 2 + ((flags != 0) ? 4 : 0);
	}

}
