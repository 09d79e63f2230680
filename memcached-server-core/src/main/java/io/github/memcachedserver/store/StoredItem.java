package io.github.memcachedserver.store;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;

/**
 * One item of the built-in store. Immutable but for its "recently used" bit: every write
 * replaces the whole item, so readers never see a half-made change.
 */
final class StoredItem {

	final Key key;

	final byte[] value;

	final int flags;

	/** Unix second from which the item is gone, or 0 for never. */
	final long expiresAt;

	final long cas;

	/** Unix second of the last write, for delayed {@code flush_all}. */
	final long storedAt;

	final long size;

	/** Marked stale by a meta delete with {@code I}: still served, flagged {@code X}. */
	final boolean stale;

	/** Stored by {@code ms} under a base64-sent key: meta answers show the key base64-encoded. */
	boolean binaryKey;

	/** Set on every read, cleared as the eviction clock hand passes (second chance). */
	volatile boolean recentlyUsed;

	/** A client has been told it won the right to recache this item ({@code W}, then {@code Z}). */
	volatile boolean tokenSent;

	/** Read at least once (memcached's ITEM_FETCHED). */
	volatile boolean fetched;

	/** Read at least twice (memcached's ITEM_ACTIVE); from then on reads move the access time. */
	volatile boolean active;

	/** Unix second of the last access as memcached tracks it, for {@code l} and {@code me}. */
	volatile long lastAccess;

	StoredItem(Key key, byte[] value, int flags, long expiresAt, long cas, long storedAt) {
		this(key, value, flags, expiresAt, cas, storedAt, false);
	}

	StoredItem(Key key, byte[] value, int flags, long expiresAt, long cas, long storedAt, boolean stale) {
		this.key = key;
		this.value = value;
		this.flags = flags;
		this.expiresAt = expiresAt;
		this.cas = cas;
		this.storedAt = storedAt;
		this.stale = stale;
		this.lastAccess = storedAt;
		this.size = ItemSize.of(key.length(), value.length, flags);
	}

	boolean isExpired(long now) {
		return this.expiresAt != 0 && this.expiresAt <= now;
	}

	StoredItem withValue(byte[] newValue, long newCas, long now) {
		return new StoredItem(this.key, newValue, this.flags, this.expiresAt, newCas, now);
	}

	/** The same item with another expiry, as memcached changes it in place. */
	StoredItem withExpiry(long newExpiresAt) {
		return new StoredItem(this.key, this.value, this.flags, newExpiresAt, this.cas, this.storedAt, this.stale)
			.keepingStateOf(this);
	}

	/** The same item after an in-place rewrite (incr, decr): a new value and CAS unique. */
	StoredItem rewritten(byte[] newValue, long newCas) {
		return new StoredItem(this.key, newValue, this.flags, this.expiresAt, newCas, this.storedAt, this.stale)
			.keepingStateOf(this);
	}

	private StoredItem keepingStateOf(StoredItem other) {
		this.binaryKey = other.binaryKey;
		this.tokenSent = other.tokenSent;
		this.fetched = other.fetched;
		this.active = other.active;
		this.lastAccess = other.lastAccess;
		this.recentlyUsed = other.recentlyUsed;
		return this;
	}

	/**
	 * Records a read as memcached's segmented LRU does: the first read marks the item
	 * fetched, the second active, and only reads of an active item move its access time.
	 */
	void bump(long now) {
		this.recentlyUsed = true;
		if (!this.active) {
			if (!this.fetched) {
				this.fetched = true;
			}
			else {
				this.active = true;
				this.lastAccess = now;
			}
		}
	}

	/** Seconds left to live, -1 for unlimited (the {@code t} flag). */
	long ttl(long now) {
		return (this.expiresAt == 0) ? -1 : this.expiresAt - now;
	}

	Item toItem() {
		return new Item(this.value, this.flags, this.cas);
	}

}
