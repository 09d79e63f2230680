package io.github.memcachedserver.handler;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.github.memcachedserver.internal.KeyHash;

/**
 * A memcached key: the exact bytes the client sent. Two keys are equal when their bytes
 * are, so no two different wire keys ever collapse into one, whatever their encoding.
 *
 * @since 0.1.0
 */
public final class Key {

	private final byte[] bytes;

	private final int hash;

	private Key(byte[] bytes) {
		this.bytes = bytes;
		this.hash = KeyHash.of(bytes);
	}

	/**
	 * Wraps the given bytes without copying them; the caller must not change them afterwards.
	 * @param bytes the key bytes
	 * @return the key
	 */
	public static Key wrap(byte[] bytes) {
		return new Key(bytes);
	}

	/**
	 * Creates a key from the UTF-8 bytes of a string.
	 * @param key the key text
	 * @return the key
	 */
	public static Key of(String key) {
		return new Key(key.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Returns a copy of the key bytes.
	 * @return the key bytes
	 */
	public byte[] toByteArray() {
		return this.bytes.clone();
	}

	/**
	 * Returns the key bytes themselves, for code that promises not to change them.
	 * @return the key bytes (not a copy)
	 */
	public byte[] unsafeBytes() {
		return this.bytes;
	}

	/**
	 * Returns the number of bytes in the key.
	 * @return the key length
	 */
	public int length() {
		return this.bytes.length;
	}

	/**
	 * Tells whether the key starts with the UTF-8 bytes of the given prefix.
	 * @param prefix the prefix
	 * @return whether the key starts with it
	 */
	public boolean startsWith(String prefix) {
		return startsWith(prefix.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Tells whether the key starts with the given bytes.
	 * @param prefix the prefix bytes
	 * @return whether the key starts with them
	 */
	public boolean startsWith(byte[] prefix) {
		return prefix.length <= this.bytes.length && Arrays.equals(this.bytes, 0, prefix.length, prefix, 0, prefix.length);
	}

	/**
	 * Returns the key decoded as UTF-8, the convenient view for handlers; use
	 * {@link #toByteArray()} where keys are not text.
	 * @return the key as text
	 */
	@Override
	public String toString() {
		return new String(this.bytes, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof Key key && this.hash == key.hash && Arrays.equals(this.bytes, key.bytes));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

}
