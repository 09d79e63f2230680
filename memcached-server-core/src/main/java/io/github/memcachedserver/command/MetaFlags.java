package io.github.memcachedserver.command;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The flags of one meta command, parsed. {@link #tokens()} keeps the raw flag tokens in
 * request order, because memcached answers the returned flags ({@code k}, {@code c},
 * {@code O}...) in the order they were asked for.
 *
 * @param tokens the flag tokens as sent, each starting with its flag character
 * @param base64Key {@code b}: the key was base64-encoded on the wire
 * @param quiet {@code q}: suppress the nominal answer
 * @param returnValue {@code v}: send the value
 * @param noBump {@code u}: do not count the read as an access
 * @param invalidate {@code I}: mark stale instead of deleting / accept an older CAS
 * @param removeValue {@code x}: delete the value but keep the item
 * @param compareCas {@code C}: the CAS unique to compare with
 * @param newCas {@code E}: the CAS unique to give a modified item
 * @param vivifyTtl {@code N}: create the item on a miss with this exptime
 * @param recacheThreshold {@code R}: win the recache when fewer seconds than this remain
 * @param ttl {@code T}: the new exptime
 * @param clientFlags {@code F}: the client flags to store
 * @param mode {@code M}: the mode character, 0 when absent
 * @param initial {@code J}: the initial value for a created counter
 * @param delta {@code D}: the arithmetic delta
 * @since 0.1.0
 */
public record MetaFlags(List<byte[]> tokens, boolean base64Key, boolean quiet, boolean returnValue, boolean noBump,
		boolean invalidate, boolean removeValue, @Nullable Long compareCas, @Nullable Long newCas,
		@Nullable Long vivifyTtl, @Nullable Long recacheThreshold, @Nullable Long ttl, long clientFlags, char mode,
		long initial, long delta) {

	/**
	 * Tells whether a flag character was sent.
	 * @param flag the flag character
	 * @return whether it was sent
	 */
	public boolean has(char flag) {
		return indexOf(flag) >= 0;
	}

	/**
	 * Tells whether an opaque token is longer than memcached's 32 bytes ({@code O} included).
	 * @return whether the opaque is too long
	 */
	public boolean opaqueTooLong() {
		int index = indexOf('O');
		return index >= 0 && isOverlongOpaque(this.tokens.get(index));
	}

	/**
	 * Tells whether a flag token is an opaque longer than memcached's 32 bytes ({@code O}
	 * included), which memcached refuses with {@code CLIENT_ERROR opaque token too long}.
	 * @param token a flag token
	 * @return whether it is such an opaque
	 */
	public static boolean isOverlongOpaque(byte[] token) {
		return token[0] == 'O' && token.length > 32;
	}

	private int indexOf(char flag) {
		for (int i = 0; i < this.tokens.size(); i++) {
			if (this.tokens.get(i)[0] == flag) {
				return i;
			}
		}
		return -1;
	}

}
