package io.github.memcachedserver.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.internal.LentItem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A view of one item of the built-in store, which lives in a chunk of {@link SlabMemory},
 * not on the heap. The view is made for one operation and dropped; the store reads and
 * changes an item only under the index's lock for its key (the reference count aside).
 * <p>
 * The chunk's layout, in bytes from its start: the reference count (4), the state bits (4),
 * the CAS unique (8), the client flags (4), the expiry, the time of the last write and the
 * time of the last access (4 each, unsigned seconds, as memcached keeps them), the key's
 * hash (4), the value's length (4), the key's length (2), padding to 48, then the key and
 * the value. That is less than the 56-byte header memcached accounts for ({@link ItemSize}),
 * which is what the store allocates.
 */
final class StoredItem {

	/** Marked stale by a meta delete with {@code I}: still served, flagged {@code X}. */
	private static final int STALE = 1;

	/** Stored by {@code ms} under a base64-sent key: meta answers show the key base64-encoded. */
	private static final int BINARY_KEY = 1 << 1;

	/**
	 * How many more times the eviction clock's hand spares the item (GCLOCK): each use adds
	 * one, up to three, and each pass of the hand takes one. An item read often outlives a
	 * full turn of the hand over items written once.
	 */
	private static final int USES = 3 << 6;

	private static final int ONE_USE = 1 << 6;

	/** A client has been told it won the right to recache this item ({@code W}, then {@code Z}). */
	private static final int TOKEN_SENT = 1 << 3;

	/** Read at least once (memcached's ITEM_FETCHED). */
	private static final int FETCHED = 1 << 4;

	/** Read at least twice (memcached's ITEM_ACTIVE); from then on reads move the access time. */
	private static final int ACTIVE = 1 << 5;

	/** The bits a rewrite of the same item carries over (all but {@link #STALE}). */
	private static final int CARRIED_OVER = BINARY_KEY | USES | TOKEN_SENT | FETCHED | ACTIVE;

	private static final long UNSIGNED_INT = 0xFFFF_FFFFL;

	/** Reads a key's bytes eight at a time, in the pages' byte order. */
	private static final VarHandle LONG_VIEW = MethodHandles.byteArrayViewVarHandle(long[].class,
			ByteOrder.nativeOrder());

	private static final int STATE = 4;

	private static final int CAS = 8;

	private static final int FLAGS = 16;

	private static final int EXPIRES_AT = 20;

	private static final int STORED_AT = 24;

	private static final int LAST_ACCESS = 28;

	private static final int HASH = 32;

	private static final int VALUE_LENGTH = 36;

	private static final int KEY_LENGTH = 40;

	private static final int KEY = 48;

	final long address;

	private final SlabMemory memory;

	private final ByteBuffer page;

	private final int base;

	StoredItem(SlabMemory memory, long address) {
		this.address = address;
		this.memory = memory;
		this.page = memory.page(address);
		this.base = SlabMemory.offset(address);
	}

	/**
	 * Writes a new item into a chunk just allocated for it; its value is written with
	 * {@link #writeValue}.
	 */
	static StoredItem create(SlabMemory memory, long address, byte[] key, int hash, int valueLength, int flags,
			long expiresAt, long cas, long storedAt) {
		StoredItem item = new StoredItem(memory, address);
		ByteBuffer page = item.page;
		int base = item.base;
		item.stamp(expiresAt, cas, storedAt);
		page.putInt(base + FLAGS, flags);
		page.putInt(base + HASH, hash);
		page.putInt(base + VALUE_LENGTH, valueLength);
		page.putShort(base + KEY_LENGTH, (short) key.length);
		page.put(base + KEY, key);
		return item;
	}

	/**
	 * Makes the item a fresh write: its expiry, CAS unique and times, no state but one use.
	 */
	void stamp(long expiresAt, long cas, long storedAt) {
		// a new item counts as used once, so the clock hand spares it for one pass wherever it lands
		setState(ONE_USE);
		setCas(cas);
		setExpiresAt(expiresAt);
		this.page.putInt(this.base + STORED_AT, (int) storedAt);
		this.page.putInt(this.base + LAST_ACCESS, (int) storedAt);
	}

	/**
	 * Returns the chunk size an item needs.
	 * @param keyLength the key's length
	 * @param valueLength the value's length
	 * @param flags the client flags
	 * @return memcached's size of the item
	 */
	static int chunkSize(int keyLength, long valueLength, int flags) {
		return (int) ItemSize.of(keyLength, valueLength, flags);
	}

	void writeValue(int at, byte[] bytes) {
		this.page.put(valueStart() + at, bytes);
	}

	/** Copies another item's value here, at the given position of this one's. */
	void writeValue(int at, StoredItem from) {
		this.page.put(valueStart() + at, from.page, from.valueStart(), from.valueLength());
	}

	boolean hasKey(byte[] key) {
		int length = key.length;
		if (keyLength() != length) {
			return false;
		}
		int start = this.base + KEY;
		int i = 0;
		for (; i + Long.BYTES <= length; i += Long.BYTES) {
			if (this.page.getLong(start + i) != (long) LONG_VIEW.get(key, i)) {
				return false;
			}
		}
		for (; i < length; i++) {
			if (this.page.get(start + i) != key[i]) {
				return false;
			}
		}
		return true;
	}

	byte[] key() {
		byte[] key = new byte[keyLength()];
		this.page.get(this.base + KEY, key);
		return key;
	}

	int hash() {
		return this.page.getInt(this.base + HASH);
	}

	int keyLength() {
		return this.page.getShort(this.base + KEY_LENGTH);
	}

	int valueLength() {
		return this.page.getInt(this.base + VALUE_LENGTH);
	}

	private int valueStart() {
		return this.base + KEY + keyLength();
	}

	/**
	 * Copies the value to the heap.
	 * @return the value's bytes
	 */
	byte[] value() {
		byte[] value = new byte[valueLength()];
		this.page.get(valueStart(), value);
		return value;
	}

	/**
	 * Lends the value to an answer: a buffer over this item's memory, which stays allocated
	 * until the buffer is released; a small value comes as a copy in a pooled heap buffer
	 * ({@link LentItem#LARGEST_COPIED_VALUE}).
	 * @return the value, with one reference
	 */
	ByteBuf lendValue() {
		int length = valueLength();
		if (length <= LentItem.LARGEST_COPIED_VALUE) {
			// straight from the page into the array: a copy between buffers would make NIO views
			ByteBuf copy = ByteBufAllocator.DEFAULT.heapBuffer(length);
			this.page.get(valueStart(), copy.array(), copy.arrayOffset(), length);
			return copy.writerIndex(length);
		}
		this.memory.retain(this.address);
		return new LentValue(this.memory, this.address, this.page.slice(valueStart(), length));
	}

	/**
	 * Opens the value of an item not yet stored for its bytes to be written as they arrive.
	 * @param released what to do once the buffer is released
	 * @return an empty buffer over the value, holding the chunk's one reference
	 */
	ReceivedValue receiveValue(Runnable released) {
		return new ReceivedValue(this.memory, this.address, this.page.slice(valueStart(), valueLength()), released);
	}

	int flags() {
		return this.page.getInt(this.base + FLAGS);
	}

	long cas() {
		return this.page.getLong(this.base + CAS);
	}

	long expiresAt() {
		return Integer.toUnsignedLong(this.page.getInt(this.base + EXPIRES_AT));
	}

	long storedAt() {
		return Integer.toUnsignedLong(this.page.getInt(this.base + STORED_AT));
	}

	long lastAccess() {
		return Integer.toUnsignedLong(this.page.getInt(this.base + LAST_ACCESS));
	}

	/** The size memcached would account for this item. */
	long size() {
		return ItemSize.of(keyLength(), valueLength(), flags());
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

	void markBinaryKey(boolean binaryKey) {
		if (binaryKey) {
			set(BINARY_KEY);
		}
	}

	void markStale() {
		set(STALE);
	}

	void markTokenSent() {
		set(TOKEN_SENT);
	}

	void markRecentlyUsed() {
		int state = state();
		if ((state & USES) != USES) {
			setState(state + ONE_USE);
		}
	}

	/**
	 * Takes one of the item's uses as the clock hand passes.
	 * @return whether it had one (the item gets another chance)
	 */
	boolean takeSecondChance() {
		int state = state();
		if ((state & USES) == 0) {
			return false;
		}
		setState(state - ONE_USE);
		return true;
	}

	/** Changes the expiry in place, as memcached does. */
	void setExpiresAt(long expiresAt) {
		// an exptime past 2106 can only come from an API caller, not the wire: it means "never" as well
		this.page.putInt(this.base + EXPIRES_AT, (int) Math.min(expiresAt, UNSIGNED_INT));
	}

	void setCas(long cas) {
		this.page.putLong(this.base + CAS, cas);
	}

	/** Drops the value in place ({@code md} with {@code x}); answers in flight keep their own view. */
	void clearValue() {
		this.page.putInt(this.base + VALUE_LENGTH, 0);
	}

	/**
	 * Makes this new item a rewrite of another (incr, decr): it keeps the other's expiry,
	 * write time, staleness and what it records about reads.
	 */
	void keepStateOf(StoredItem other) {
		setExpiresAt(other.expiresAt());
		this.page.putInt(this.base + STORED_AT, (int) other.storedAt());
		this.page.putInt(this.base + LAST_ACCESS, (int) other.lastAccess());
		setState((other.state() & (CARRIED_OVER | STALE)));
	}

	/**
	 * Records a change in place by {@code md} with {@code I} or {@code x}: the recache
	 * token goes (the next reader may win).
	 */
	void dropToken() {
		setState(state() & ~TOKEN_SENT);
	}

	/**
	 * Records a read as memcached's segmented LRU does: the first read marks the item
	 * fetched, the second active, and only reads of an active item move its access time.
	 */
	void bump(long now) {
		int state = state();
		markRecentlyUsed();
		if ((state & ACTIVE) != 0) {
			return;
		}
		if ((state & FETCHED) == 0) {
			set(FETCHED);
		}
		else {
			set(ACTIVE);
			this.page.putInt(this.base + LAST_ACCESS, (int) now);
		}
	}

	/** Seconds left to live, -1 for unlimited (the {@code t} flag). */
	long ttl(long now) {
		long expiresAt = expiresAt();
		return (expiresAt == 0) ? -1 : expiresAt - now;
	}

	Item toItem() {
		return new Item(value(), flags(), cas());
	}

	LentItem toLentItem() {
		return new LentItem(lendValue(), flags(), cas());
	}

	private boolean has(int bit) {
		return (state() & bit) != 0;
	}

	private int state() {
		return this.page.getInt(this.base + STATE);
	}

	private void set(int bits) {
		setState(state() | bits);
	}

	private void setState(int state) {
		this.page.putInt(this.base + STATE, state);
	}

}
