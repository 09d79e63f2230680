package io.github.memcachedserver.store;

/**
 * A value a command stores: the handler SPI's bytes, or the chunk the value arrived in
 * ({@link ReceivedValue}), which becomes the item itself.
 */
interface NewValue {

	/**
	 * Returns the value's length.
	 * @return the length in bytes
	 */
	int length();

	/**
	 * Copies the value into another item (a join of two values).
	 * @param target the item
	 * @param at where in the target's value
	 */
	void copyTo(StoredItem target, int at);

	/**
	 * A value on the heap.
	 * @param bytes the value's bytes
	 */
	record Bytes(byte[] bytes) implements NewValue {

		@Override
		public int length() {
			return this.bytes.length;
		}

		@Override
		public void copyTo(StoredItem target, int at) {
			target.writeValue(at, this.bytes);
		}

	}

}
