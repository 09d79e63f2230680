package io.github.memcachedserver.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.KeyHash;
import org.jspecify.annotations.Nullable;

/**
 * The built-in store's index: a concurrent hash table from key bytes to items, built to
 * cost little per item. Items sit directly in open-addressed slots (linear probing), so a
 * stored item needs no map node and no key object; the item's own key bytes are the key.
 * <p>
 * The table is split into segments by hash, each with its own lock and its own slot array:
 * <ul>
 * <li>reads take no lock: a writer publishes every slot change with release semantics and
 * never writes to an array once a resize has replaced it;</li>
 * <li>{@link #compute} runs under the segment's lock, so every read-modify-write of a key is
 * atomic;</li>
 * <li>the eviction clock sweeps the slots themselves ({@link #advanceEvictionHand}), so no
 * queue node is allocated per item either.</li>
 * </ul>
 * Removed items leave a tombstone, so that lock-free readers never miss an item that
 * moved; a resize drops the tombstones.
 */
final class ItemTable {

	private static final int SEGMENT_BITS = 6;

	private static final int SEGMENTS = 1 << SEGMENT_BITS;

	private static final int MIN_CAPACITY = 16;

	/** How many slots a hand looks at, at most, each time it moves. */
	private static final int HAND_REACH = 64;

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(StoredItem[].class);

	/** What a removed item leaves in its slot; compared by identity, never by key. */
	private static final StoredItem REMOVED = new StoredItem(Key.wrap(new byte[0]), new byte[0], 0, 0, 0, 0);

	private final Segment[] segments = new Segment[SEGMENTS];

	private final Hand evictionHand = new Hand();

	private final Hand reclaimHand = new Hand();

	ItemTable() {
		for (int i = 0; i < SEGMENTS; i++) {
			this.segments[i] = new Segment();
		}
	}

	/**
	 * Returns the item stored under the key, without locking.
	 * @param key the key bytes
	 * @param hash the key's hash code ({@link KeyHash} of its bytes)
	 * @return the item, or {@code null}
	 */
	@Nullable StoredItem get(byte[] key, int hash) {
		int spread = spread(hash);
		byte tag = tagOf(spread);
		StoredItem[] slots = segmentFor(spread).slots;
		int mask = slots.length - 1;
		for (int i = spread & mask;; i = (i + 1) & mask) {
			StoredItem item = (StoredItem) SLOT.getAcquire(slots, i);
			if (item == null) {
				return null;
			}
			if (item.keyTag == tag && item != REMOVED && Arrays.equals(item.key, key)) {
				return item;
			}
		}
	}

	/**
	 * Replaces the key's item atomically with what the function makes of it. The function
	 * runs under the segment's lock: it must not use this table.
	 * @param key the key bytes
	 * @param hash the key's hash code
	 * @param remapping turns the current item (or {@code null}) into the one to keep (or {@code null} to remove it)
	 * @return the item that was stored before, or {@code null}
	 */
	@Nullable StoredItem compute(byte[] key, int hash, UnaryOperator<@Nullable StoredItem> remapping) {
		int spread = spread(hash);
		Segment segment = segmentFor(spread);
		synchronized (segment) {
			StoredItem[] slots = segment.slots;
			int mask = slots.length - 1;
			int firstRemoved = -1;
			int i = spread & mask;
			StoredItem current = null;
			for (;; i = (i + 1) & mask) {
				StoredItem item = slots[i];
				if (item == null) {
					break;
				}
				if (item == REMOVED) {
					firstRemoved = (firstRemoved < 0) ? i : firstRemoved;
				}
				else if (Arrays.equals(item.key, key)) {
					current = item;
					break;
				}
			}
			StoredItem next = remapping.apply(current);
			if (next == current) {
				return current;
			}
			if (current != null) {
				SLOT.setRelease(slots, i, (next != null) ? next : REMOVED);
				if (next == null) {
					segment.live--;
				}
				return current;
			}
			if (firstRemoved >= 0) {
				SLOT.setRelease(slots, firstRemoved, next);
			}
			else {
				SLOT.setRelease(slots, i, next);
				segment.occupied++;
			}
			segment.live++;
			if (segment.occupied > slots.length - (slots.length >>> 2)) {
				segment.resize();
			}
			return null;
		}
	}

	/**
	 * Removes the key's item if it is still the given one.
	 * @param item the item
	 * @param hash its key's hash code
	 * @return whether it was removed
	 */
	boolean remove(StoredItem item, int hash) {
		return compute(item.key, hash, (current) -> (current == item) ? null : current) == item;
	}

	/**
	 * Moves the eviction clock's hand on to the next item and removes it if the judge says
	 * so. The hand visits the segments in turn and each segment's slots in order.
	 * @param evict tells whether the item under the hand goes; it runs under the segment's lock
	 * @return the removed item, or {@code null} if the hand kept the item or found none
	 */
	@Nullable StoredItem advanceEvictionHand(Predicate<StoredItem> evict) {
		return advance(this.evictionHand, evict);
	}

	/**
	 * Moves the reclaim hand, which goes round independently of the eviction hand, on to the
	 * next item and removes it if the judge says so.
	 * @param reclaim tells whether the item under the hand goes; it runs under the segment's lock
	 * @return the removed item, or {@code null}
	 */
	@Nullable StoredItem advanceReclaimHand(Predicate<StoredItem> reclaim) {
		return advance(this.reclaimHand, reclaim);
	}

	private @Nullable StoredItem advance(Hand hand, Predicate<StoredItem> judge) {
		int index = hand.turn.getAndIncrement() & (SEGMENTS - 1);
		Segment segment = this.segments[index];
		synchronized (segment) {
			StoredItem[] slots = segment.slots;
			int mask = slots.length - 1;
			// a bounded look, so that a hand never crawls a whole sparse segment in one write
			int reach = Math.min(slots.length, HAND_REACH);
			int position = hand.positions[index];
			for (int step = 0; step < reach; step++) {
				int slot = (position + step) & mask;
				StoredItem item = slots[slot];
				if (item != null && item != REMOVED) {
					hand.positions[index] = (slot + 1) & mask;
					if (!judge.test(item)) {
						return null;
					}
					SLOT.setRelease(slots, slot, REMOVED);
					segment.live--;
					return item;
				}
			}
			hand.positions[index] = (position + reach) & mask;
			return null;
		}
	}

	/**
	 * Returns the number of items; exact when no write is under way.
	 * @return the item count
	 */
	long size() {
		long size = 0;
		for (Segment segment : this.segments) {
			size += segment.live;
		}
		return size;
	}

	/**
	 * Returns the byte of a key's hash that its item keeps as a tag.
	 * @param hash the key's hash code
	 * @return the tag
	 */
	static byte keyTag(int hash) {
		return tagOf(spread(hash));
	}

	/** Bits 16 to 23 of the spread hash: neither the segment's bits nor, in most tables, the slot's. */
	private static byte tagOf(int spread) {
		return (byte) (spread >>> 16);
	}

	private Segment segmentFor(int spread) {
		return this.segments[spread >>> (Integer.SIZE - SEGMENT_BITS)];
	}

	/** Mixes all bits of the key's hash into the high ones (segment) and the low ones (slot). */
	private static int spread(int hash) {
		int h = hash * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

	/** One lock's share of the table. Fields are written under the segment's lock. */
	private static final class Segment {

		volatile StoredItem[] slots = new StoredItem[MIN_CAPACITY];

		/** Items in the slots; volatile so that {@link ItemTable#size()} reads it without the lock. */
		volatile int live;

		/** Slots that are not empty: items and tombstones. */
		int occupied;

		/** Rehashes the items into a new array with room to grow, leaving the tombstones behind. */
		void resize() {
			int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, this.live) * 4 - 1));
			StoredItem[] resized = new StoredItem[capacity];
			int mask = capacity - 1;
			for (StoredItem item : this.slots) {
				if (item != null && item != REMOVED) {
					int i = spread(KeyHash.of(item.key)) & mask;
					while (resized[i] != null) {
						i = (i + 1) & mask;
					}
					resized[i] = item;
				}
			}
			this.occupied = this.live;
			// the volatile write publishes the filled array to lock-free readers
			this.slots = resized;
		}

	}

	/**
	 * A clock hand: it visits the segments in turn and, within each, the slots in order. Each
	 * segment's position is read and written under that segment's lock.
	 */
	private static final class Hand {

		final AtomicInteger turn = new AtomicInteger();

		final int[] positions = new int[SEGMENTS];

	}

}
