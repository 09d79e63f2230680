package io.github.memcachedserver.store;

import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.handler.Entry;

/**
 * The expiry an {@code mg} or {@code ma} leaves on its item, and the expiry its {@code t} and {@code R}
 * flags see, as memcached works them out: flag by flag in request order. {@code T} sets the
 * expiry, {@code N} sets it on an item the request has just created (which has none until
 * then), and {@code t} and {@code R} see it as it is at their place, so {@code t T30} shows
 * the old TTL and {@code t N30} on a miss shows {@code -1}. {@code ma} follows the same rules.
 * An opaque too long to answer ends the walk: the flags after it take no effect.
 */
final class ExpiryInRequestOrder {

	/** The expiry the item keeps, as an epoch second (0: never). */
	final long expiresAt;

	/** The expiry {@code t} reports. */
	final long expiresAtForTtl;

	/** The expiry {@code R} compares with its threshold. */
	final long expiresAtForRecache;

	ExpiryInRequestOrder(MetaFlags flags, long current, boolean created, long now) {
		long expiresAt = current;
		long forTtl = current;
		long forRecache = current;
		for (byte[] token : flags.tokens()) {
			if (MetaFlags.isOverlongOpaque(token)) {
				// memcached stops working through the flags at an opaque it refuses
				break;
			}
			switch (token[0]) {
				case 'T' -> expiresAt = Entry.expiresAtEpochSecond(flags.ttl(), now);
				case 'N' -> expiresAt = created ? Entry.expiresAtEpochSecond(flags.vivifyTtl(), now) : expiresAt;
				case 't' -> forTtl = expiresAt;
				case 'R' -> forRecache = expiresAt;
				default -> {
				}
			}
		}
		this.expiresAt = expiresAt;
		this.expiresAtForTtl = forTtl;
		this.expiresAtForRecache = forRecache;
	}

	/**
	 * Returns the TTL {@code t} reports: seconds left, or -1 for an item that never expires.
	 * @param now the current epoch second
	 * @return the TTL
	 */
	long ttlShown(long now) {
		return (this.expiresAtForTtl == 0) ? -1 : this.expiresAtForTtl - now;
	}

}
