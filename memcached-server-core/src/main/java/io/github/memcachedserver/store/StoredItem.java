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

	/** Set on every read, cleared as the eviction clock hand passes (second chance). */
	volatile boolean recentlyUsed;

	StoredItem(Key key, byte[] value, int flags, long expiresAt, long cas, long storedAt) {
		this.key = key;
		this.value = value;
		this.flags = flags;
		this.expiresAt = expiresAt;
		this.cas = cas;
		this.storedAt = storedAt;
		this.size = ItemSize.of(key.length(), value.length, flags);
	}

	boolean isExpired(long now) {
		return this.expiresAt != 0 && this.expiresAt <= now;
	}

	StoredItem withValue(byte[] newValue, long newCas, long now) {
		return new StoredItem(this.key, newValue, this.flags, this.expiresAt, newCas, now);
	}

	StoredItem withExpiry(long newExpiresAt) {
		return new StoredItem(this.key, this.value, this.flags, newExpiresAt, this.cas, this.storedAt);
	}

	Item toItem() {
		return new Item(this.value, this.flags, this.cas);
	}

}
