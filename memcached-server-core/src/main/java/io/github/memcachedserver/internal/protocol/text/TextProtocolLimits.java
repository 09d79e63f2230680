package io.github.memcachedserver.internal.protocol.text;

/**
 * The bounds the text decoder enforces while it reads, so no client can make it buffer
 * without limit.
 *
 * @param maxLineLength the longest request line kept without a line end, as memcached's
 * 2048 bytes: a longer one that is not a multi-key get closes the connection
 * @param maxGetLineLength the longest multi-key get line (memcached has no bound here; we
 * close the connection past this one)
 * @param maxItemSize the largest item, counted as memcached counts it (value, key and item
 * header), like {@code memcached -I}
 * @since 0.1.0
 */
public record TextProtocolLimits(int maxLineLength, int maxGetLineLength, int maxItemSize) {

	/** memcached's defaults: 2048-byte lines, 1 MiB items; 256 KiB multi-get lines. */
	public static final TextProtocolLimits DEFAULTS = new TextProtocolLimits(2048, 256 * 1024, 1024 * 1024);

	/**
	 * Returns these limits with another item size limit.
	 * @param maxItemSize the largest item in bytes
	 * @return the new limits
	 */
	public TextProtocolLimits withMaxItemSize(int maxItemSize) {
		return new TextProtocolLimits(this.maxLineLength, this.maxGetLineLength, maxItemSize);
	}

}
