package io.github.memcachedserver.test;

import java.nio.charset.StandardCharsets;

/**
 * A binary-protocol response, as {@link MemcachedTestClient#binary} read it.
 *
 * @param opcode the opcode it answers
 * @param status memcached's status: 0 for success, {@link #STATUS_KEY_NOT_FOUND}, ...
 * @param cas the item's CAS unique
 * @param extras the extras (a hit's flags)
 * @param key the key (of {@code GETK} answers)
 * @param value the value, or the error's text
 * @since 0.1.0
 */
public record BinaryResponse(int opcode, int status, long cas, byte[] extras, String key, byte[] value) {

	/** The {@code GET} opcode. */
	public static final int GET = 0x00;

	/** The {@code SET} opcode. */
	public static final int SET = 0x01;

	/** The {@code DELETE} opcode. */
	public static final int DELETE = 0x04;

	/** The status of a request whose key is not there. */
	public static final int STATUS_KEY_NOT_FOUND = 0x0001;

	/**
	 * Returns the value as UTF-8 text.
	 * @return the value
	 */
	public String valueAsString() {
		return new String(this.value, StandardCharsets.UTF_8);
	}

	/**
	 * Returns this response if it tells success, else fails with its status and text.
	 * @return this response
	 */
	public BinaryResponse requireSuccess() {
		if (this.status != 0) {
			throw new IllegalStateException("Status 0x" + Integer.toHexString(this.status) + ": " + valueAsString());
		}
		return this;
	}

}
