package io.github.memcachedserver.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;

/**
 * One item of the built-in store. Immutable but for its read state (the bits a read sets and
 * the access time): every write replaces the whole item, so readers never see a half-made
 * change.
 * <p>
 * A store holds millions of these, so the item keeps the key's bytes rather than a key
 * object, packs its booleans into one byte and its times into unsigned 32-bit seconds (as
 * memcached does): 48 bytes on a 64-bit JVM with compressed references.
 */
final class StoredItem {

	/** Marked stale by a meta delete with {@code I}: still served, flagged {@code X}. */
	private static final int STALE = 1;

	/** Stored by {@code ms} under a base64-sent key: meta answers show the key base64-encoded. */
	private static final int BINARY_KEY = 1 << 1;

	/** Set on every read (and on creation), cleared as the eviction clock hand passes (second chance). */
	private static final int RECENTLY_USED = 1 << 2;

	/** A client has been told it won the right to recache this item ({@code W}, then {@code Z}). */
	private static final int TOKEN_SENT = 1 << 3;

	/** Read at least once (memcached's ITEM_FETCHED). */
	private static final int FETCHED = 1 << 4;

	/** Read at least twice (memcached's ITEM_ACTIVE); from then on reads move the access time. */
	private static final int ACTIVE = 1 << 5;

	/** The bits a replacement of the same item carries over (all but {@link #STALE}). */
	private static final int CARRIED_OVER = BINARY_KEY | RECENTLY_USED | TOKEN_SENT | FETCHED | ACTIVE;

	private static final long UNSIGNED_INT = 0xFFFF_FFFFL;

	private static final VarHandle STATE;

	static {
		try {
			STATE = MethodHandles.lookup().findVarHandle(StoredItem.class, "state", byte.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final byte[] key;

	/**
	 * A byte of the key's hash ({@link ItemTable#keyTag}): a lookup passing another key's item
	 * mostly stops here, without reading that key's bytes. It fits in the item's padding.
	 */
	final byte keyTag;

	final byte[] value;

	final int flags;

	final long cas;

	/** Unix second from which the item is gone, or 0 for never; unsigned. */
	private final int expiresAt;

	/** Unix second of the last write, for delayed {@code flush_all}; unsigned. */
	private final int storedAt;

	/** Unix second of the last access as memcached tracks it, for {@code l} and {@code me}; unsigned. */
	private volatile int lastAccess;

	/** The bits above; readers set some of them concurrently, so they change atomically. */
	private volatile byte state;

	StoredItem(Key key, byte[] value, int flags, long expiresAt, long cas, long storedAt) {
		this(key.unsafeBytes(), ItemTable.keyTag(key.hashCode()), value, flags, expiresAt, cas, storedAt, false);
	}

	StoredItem(Key key, byte[] value, int flags, long expiresAt, long cas, long storedAt, boolean stale) {
		this(key.unsafeBytes(), ItemTable.keyTag(key.hashCode()), value, flags, expiresAt, cas, storedAt, stale);
	}

	private StoredItem(byte[] key, byte keyTag, byte[] value, int flags, long expiresAt, long cas, long storedAt,
			boolean stale) {
		this.key = key;
		this.keyTag = keyTag;
		this.value = value;
		this.flags = flags;
		// an exptime past 2106 can only come from an API caller, not the wire: it means "never" as well
		this.expiresAt = (int) Math.min(expiresAt, UNSIGNED_INT);
		this.cas = cas;
		this.storedAt = (int) storedAt;
		this.lastAccess = (int) storedAt;
		// a new item counts as just used, so the clock hand spares it for one pass wherever it lands
		this.state = (byte) (RECENTLY_USED | (stale ? STALE : 0));
	}

	long expiresAt() {
		return Integer.toUnsignedLong(this.expiresAt);
	}

	long storedAt() {
		return Integer.toUnsignedLong(this.storedAt);
	}

	long lastAccess() {
		return Integer.toUnsignedLong(this.lastAccess);
	}

	/** The size memcached would account for this item. */
	long size() {
		return ItemSize.of(this.key.length, this.value.length, this.flags);
	}

	boolean isExpired(long now) {
		long expiresAt = expiresAt();
		return expiresAt != 0 && expiresAt <= now;
	}

	boolean stale() {
		return has(STALE);
	}

	boolean binaryKey() {
		return has(BINARY_KEY);
	}

	boolean tokenSent() {
		return has(TOKEN_SENT);
	}

	boolean fetched() {
		return has(FETCHED);
	}

	/** Marks the key as sent base64-encoded; only before the item is published. */
	StoredItem withBinaryKey(boolean binaryKey) {
		if (binaryKey) {
			set(BINARY_KEY);
		}
		return this;
	}

	void markTokenSent() {
		set(TOKEN_SENT);
	}

	void markRecentlyUsed() {
		set(RECENTLY_USED);
	}

	/**
	 * Clears the "recently used" bit as the clock hand passes.
	 * @return whether it was set (the item gets its second chance)
	 */
	boolean takeSecondChance() {
		return (((byte) STATE.getAndBitwiseAnd(this, (byte) ~RECENTLY_USED)) & RECENTLY_USED) != 0;
	}

	StoredItem withValue(byte[] newValue, long newCas, long now) {
		return new StoredItem(this.key, this.keyTag, newValue, this.flags, expiresAt(), newCas, now, false);
	}

	/** The same item with another expiry, as memcached changes it in place. */
	StoredItem withExpiry(long newExpiresAt) {
		return new StoredItem(this.key, this.keyTag, this.value, this.flags, newExpiresAt, this.cas, storedAt(), stale())
			.keepingStateOf(this);
	}

	/** The same item after an in-place rewrite (incr, decr): a new value and CAS unique. */
	StoredItem rewritten(byte[] newValue, long newCas) {
		return new StoredItem(this.key, this.keyTag, newValue, this.flags, expiresAt(), newCas, storedAt(), stale())
			.keepingStateOf(this);
	}

	/**
	 * The same item after {@code md} with {@code I} or {@code x}, changed in place as memcached
	 * does: what it records about reads stays, and the recache token goes (the next reader may
	 * win).
	 */
	StoredItem changedInPlace(byte[] newValue, long newExpiresAt, long newCas, boolean nowStale) {
		StoredItem changed = new StoredItem(this.key, this.keyTag, newValue, this.flags, newExpiresAt, newCas,
				storedAt(), nowStale).keepingStateOf(this);
		changed.state = (byte) (changed.state & ~TOKEN_SENT);
		return changed;
	}

	private StoredItem keepingStateOf(StoredItem other) {
		this.state = (byte) ((this.state & STALE) | (other.state & CARRIED_OVER));
		this.lastAccess = other.lastAccess;
		return this;
	}

	/**
	 * Records a read as memcached's segmented LRU does: the first read marks the item
	 * fetched, the second active, and only reads of an active item move its access time.
	 */
	void bump(long now) {
		int state = this.state;
		if ((state & ACTIVE) != 0) {
			if ((state & RECENTLY_USED) == 0) {
				set(RECENTLY_USED);
			}
		}
		else if ((state & FETCHED) == 0) {
			set(RECENTLY_USED | FETCHED);
		}
		else {
			set(RECENTLY_USED | ACTIVE);
			this.lastAccess = (int) now;
		}
	}

	/** Seconds left to live, -1 for unlimited (the {@code t} flag). */
	long ttl(long now) {
		long expiresAt = expiresAt();
		return (expiresAt == 0) ? -1 : expiresAt - now;
	}

	Item toItem() {
		return new Item(this.value, this.flags, this.cas);
	}

	private boolean has(int bit) {
		return (this.state & bit) != 0;
	}

	private void set(int bits) {
		STATE.getAndBitwiseOr(this, (byte) bits);
	}

}
