package io.github.memcachedserver.observation;

/**
 * The protocol a command arrived in.
 *
 * @since 0.1.0
 */
public enum MemcachedProtocol {

	/** memcached's classic text protocol ({@code get}, {@code set}, ...). */
	TEXT("text"),

	/** The meta commands of the text protocol ({@code mg}, {@code ms}, ...). */
	META("meta"),

	/** The binary protocol. */
	BINARY("binary");

	private final String value;

	MemcachedProtocol(String value) {
		this.value = value;
	}

	/**
	 * Returns the protocol's name as observations and meters tag it.
	 * @return {@code text}, {@code meta} or {@code binary}
	 */
	public String value() {
		return this.value;
	}

}
