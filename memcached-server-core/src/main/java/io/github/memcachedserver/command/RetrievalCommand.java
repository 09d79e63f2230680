package io.github.memcachedserver.command;

import java.util.List;

import io.github.memcachedserver.handler.Key;

/**
 * {@code get}, {@code gets}, {@code gat} and {@code gats}: read one or more keys.
 *
 * @param keys the keys in request order (duplicates kept, as memcached answers each)
 * @param withCas whether each value line carries its CAS unique ({@code gets}, {@code gats})
 * @param touch whether the items' expiry is changed ({@code gat}, {@code gats})
 * @param exptime the new expiration time when touching
 * @param noreply whether the answer is dropped: so are the reads of the keys before an
 * over-long one, which memcached carries out (counting them, touching them) before it refuses
 * the line
 * @since 0.1.0
 */
public record RetrievalCommand(List<Key> keys, boolean withCas, boolean touch, long exptime, boolean noreply)
		implements MemcachedCommand {

	/**
	 * A retrieval whose answer is sent.
	 * @param keys the keys in request order
	 * @param withCas whether each value line carries its CAS unique
	 * @param touch whether the items' expiry is changed
	 * @param exptime the new expiration time when touching
	 */
	public RetrievalCommand(List<Key> keys, boolean withCas, boolean touch, long exptime) {
		this(keys, withCas, touch, exptime, false);
	}

	@Override
	public String name() {
		if (this.touch) {
			return this.withCas ? "gats" : "gat";
		}
		return this.withCas ? "gets" : "get";
	}

}
