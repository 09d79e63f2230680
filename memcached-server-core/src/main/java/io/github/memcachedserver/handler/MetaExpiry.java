package io.github.memcachedserver.handler;

import io.github.memcachedserver.command.MetaFlags;

/**
 * The expiry an {@code mg} or {@code ma} leaves on its item, and the expiry its {@code t} and
 * {@code R} flags see, as memcached works them out: flag by flag in request order. {@code T}
 * sets the expiry, {@code N} sets it on an item the request has just created (which has none
 * until then), and {@code t} and {@code R} see it as it is at their place, so {@code t T30}
 * shows the old TTL and {@code t N30} on a miss shows {@code -1}. An opaque too long to answer
 * ends the walk: the flags after it take no effect. For handlers that implement the meta
 * commands on a store of their own.
 *
 * @param expiresAt the expiry the item keeps, as a unix second (0: never)
 * @param expiresAtForTtl the expiry {@code t} reports
 * @param expiresAtForRecache the expiry {@code R} compares with its threshold
 * @since 0.1.0
 */
public record MetaExpiry(long expiresAt, long expiresAtForTtl, long expiresAtForRecache) {

	/**
	 * Works out the expiries of one command.
	 * @param flags the command's flags
	 * @param current the item's expiry before the command (0: never)
	 * @param created whether the command has just created the item
	 * @param now the current unix second
	 * @return the expiries
	 */
	public static MetaExpiry of(MetaFlags flags, long current, boolean created, long now) {
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
		return new MetaExpiry(expiresAt, forTtl, forRecache);
	}

	/**
	 * Returns the TTL {@code t} reports: seconds left, or -1 for an item that never expires.
	 * @param now the current unix second
	 * @return the TTL
	 */
	public long ttlShown(long now) {
		return (this.expiresAtForTtl == 0) ? -1 : this.expiresAtForTtl - now;
	}

}
