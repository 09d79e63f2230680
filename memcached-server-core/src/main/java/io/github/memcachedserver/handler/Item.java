package io.github.memcachedserver.handler;

/**
 * An item as a handler returns it for a read: the value, the client flags and the CAS unique.
 *
 * @param value the value bytes (owned by the item; not copied)
 * @param flags the 32-bit client flags, unsigned on the wire
 * @param cas the CAS unique, or 0 when the handler has none
 * @since 0.1.0
 */
public record Item(byte[] value, int flags, long cas) {

	/**
	 * Creates an item with no flags and no CAS unique.
	 * @param value the value bytes
	 * @return the item
	 */
	public static Item of(byte[] value) {
		return new Item(value, 0, 0);
	}

}
