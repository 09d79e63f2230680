package io.github.memcachedserver.handler;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a storage command writes: the value, the client flags and the expiration time as the
 * client sent it.
 *
 * @param value the value bytes (owned by the entry; not copied)
 * @param flags the 32-bit client flags, unsigned on the wire
 * @param exptime the expiration time in memcached's encoding, see {@link #expiresAt(Instant)}
 * @since 0.1.0
 */
public record Entry(byte[] value, int flags, long exptime) {

	/**
	 * exptime values above this many seconds (30 days) are absolute unix times
	 * (protocol.txt, "Expiration times").
	 */
	public static final long MAX_RELATIVE_EXPTIME = 60 * 60 * 24 * 30;

	/** The expiry of an item that never expires. */
	public static final long NEVER = 0;

	/**
	 * Returns when the entry expires, following memcached's rules: 0 never, a negative value
	 * at once, up to 30 days relative to now, beyond that an absolute unix time.
	 * @param now the current time
	 * @return the expiry instant, or {@code null} when the entry never expires
	 */
	public @Nullable Instant expiresAt(Instant now) {
		long epochSecond = expiresAtEpochSecond(this.exptime, now.getEpochSecond());
		return (epochSecond == NEVER) ? null : Instant.ofEpochSecond(epochSecond);
	}

	/**
	 * Applies memcached's expiration rules to an exptime.
	 * @param exptime the expiration time as sent by the client
	 * @param nowEpochSecond the current unix time in seconds
	 * @return the unix time in seconds from which the item is gone, or {@link #NEVER}
	 */
	public static long expiresAtEpochSecond(long exptime, long nowEpochSecond) {
		if (exptime == 0) {
			return NEVER;
		}
		if (exptime < 0) {
			return 1;
		}
		return (exptime > MAX_RELATIVE_EXPTIME) ? exptime : nowEpochSecond + exptime;
	}

}
