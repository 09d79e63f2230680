package io.github.memcachedserver.store;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;

/**
 * The built-in store's index: a concurrent hash table from key bytes to the addresses of
 * items in {@link SlabMemory}. Its slots are {@code long}s in open-addressed arrays (linear
 * probing), so a million items cost the garbage collector a few primitive arrays, not a
 * million objects: a slot holds an item's address and, in its top byte, a byte of the key's
 * hash, so that a lookup passing another key's item mostly stops there without reading
 * that item's memory.
 * <p>
 * The table is split into segments by hash, each with its own lock and its own slot array.
 * Every lookup and change runs under the segment's lock ({@link #compute}), which is also
 * what keeps an item's chunk from being freed while it is read. The eviction clock lives in
 * the memory's size classes and removes items through {@link #removeIfUnlocked}, which never
 * waits for a lock.
 * <p>
 * Removed items leave a tombstone so that probing goes on past them; a resize drops the
 * tombstones.
 */
final class ItemTable {

	private static final int SEGMENT_BITS = 6;

	private static final int SEGMENTS = 1 << SEGMENT_BITS;

	private static final int MIN_CAPACITY = 16;

	/** How many slots the reclaim hand looks at, at most, each time it moves. */
	private static final int HAND_REACH = 64;

	/** What a removed item leaves in its slot (no address has every bit set). */
	private static final long REMOVED = -1;

	private static final long ADDRESS = (1L << 56) - 1;

	private final SlabMemory memory;

	private final Segment[] segments = new Segment[SEGMENTS];

	private final AtomicInteger reclaimTurn = new AtomicInteger();

	ItemTable(SlabMemory memory) {
		this.memory = memory;
		for (int i = 0; i < SEGMENTS; i++) {
			this.segments[i] = new Segment();
		}
	}

	/**
	 * Replaces the key's item atomically with what the function makes of it. The function
	 * runs under the segment's lock; it may allocate memory (and so evict from other
	 * segments) but must not use this table otherwise.
	 * @param key the key bytes
	 * @param hash the key's hash code ({@link io.github.memcachedserver.internal.KeyHash} of its bytes)
	 * @param remapping turns the current item's address (or 0) into the one to keep (or 0 to remove it)
	 * @return the address that was stored before, or 0
	 */
	long compute(byte[] key, int hash, LongUnaryOperator remapping) {
		int spread = spread(hash);
		long tag = tagOf(spread);
		Segment segment = segmentFor(spread);
		segment.lock();
		try {
			long[] slots = segment.slots;
			int mask = slots.length - 1;
			int firstRemoved = -1;
			int i = spread & mask;
			long current = 0;
			for (;; i = (i + 1) & mask) {
				long slot = slots[i];
				if (slot == 0) {
					break;
				}
				if (slot == REMOVED) {
					firstRemoved = (firstRemoved < 0) ? i : firstRemoved;
				}
				else if ((slot & ~ADDRESS) == tag && new StoredItem(this.memory, slot & ADDRESS).hasKey(key)) {
					current = slot & ADDRESS;
					break;
				}
			}
			// the function may allocate, and so evict from this segment: never the item it changes
			segment.changing = current;
			long next;
			try {
				next = remapping.applyAsLong(current);
			}
			finally {
				segment.changing = 0;
			}
			if (next == current) {
				return current;
			}
			if (current != 0) {
				slots[i] = (next != 0) ? (tag | next) : REMOVED;
				if (next == 0) {
					segment.live--;
				}
				return current;
			}
			if (firstRemoved >= 0) {
				slots[firstRemoved] = tag | next;
			}
			else {
				slots[i] = tag | next;
				segment.occupied++;
			}
			segment.live++;
			if (segment.occupied > slots.length - (slots.length >>> 2)) {
				segment.resize(this.memory);
			}
			return 0;
		}
		finally {
			segment.unlock();
		}
	}

	/**
	 * Removes an item if the judge says so, unless its segment is locked by another thread
	 * (the allocator that asks must not wait) or the item is the one this thread is changing
	 * (its update allocates memory, and memory evicts).
	 * @param address an item's address, maybe no longer (or not yet) in the table
	 * @param hash the hash the item's memory records, maybe garbage if it is not in the table
	 * @param judge tells whether the item goes; runs under the segment's lock
	 * @return whether the item was in the table and was removed
	 */
	boolean removeIfUnlocked(long address, int hash, LongPredicate judge) {
		int spread = spread(hash);
		Segment segment = segmentFor(spread);
		// the lock is reentrant: this thread, inside an update of the segment, gets it at once
		if ((segment.isHeldByCurrentThread() && address == segment.changing) || !segment.tryLock()) {
			return false;
		}
		try {
			long[] slots = segment.slots;
			int mask = slots.length - 1;
			for (int i = spread & mask;; i = (i + 1) & mask) {
				long slot = slots[i];
				if (slot == 0) {
					return false;
				}
				if (slot != REMOVED && (slot & ADDRESS) == address) {
					if (!judge.test(address)) {
						return false;
					}
					slots[i] = REMOVED;
					segment.live--;
					return true;
				}
			}
		}
		finally {
			segment.unlock();
		}
	}

	/**
	 * Moves the reclaim hand over the next items of the next segment, under one lock, and
	 * removes those the judge says go. Looking at several items at once lets their cache misses
	 * overlap: each is a random item, not read for a while.
	 * @param items how many items to look at, at most
	 * @param judge tells whether an item under the hand goes; runs under the segment's lock
	 * @param removed given the address of each removed item, once the lock is released
	 */
	void advanceReclaimHand(int items, LongPredicate judge, LongConsumer removed) {
		Segment segment = this.segments[this.reclaimTurn.getAndIncrement() & (SEGMENTS - 1)];
		long[] gone = null;
		int goneCount = 0;
		segment.lock();
		try {
			long[] slots = segment.slots;
			int mask = slots.length - 1;
			// a bounded look, so that the hand never crawls a whole sparse segment in one write
			int reach = Math.min(slots.length, HAND_REACH);
			int position = segment.reclaimHand;
			int looked = 0;
			int step = 0;
			for (; step < reach && looked < items; step++) {
				int i = (position + step) & mask;
				long slot = slots[i];
				if (slot != 0 && slot != REMOVED) {
					looked++;
					if (judge.test(slot & ADDRESS)) {
						slots[i] = REMOVED;
						segment.live--;
						if (gone == null) {
							gone = new long[items];
						}
						gone[goneCount++] = slot & ADDRESS;
					}
				}
			}
			segment.reclaimHand = (position + step) & mask;
		}
		finally {
			segment.unlock();
		}
		for (int i = 0; i < goneCount; i++) {
			removed.accept(gone[i]);
		}
	}

	/**
	 * Shows the items to a visitor, one segment at a time under its lock, until it says stop.
	 * @param visitor given each item's address, answers whether to go on; runs under the
	 * segment's lock, so it must not use this table or take the store's memory
	 */
	void forEach(LongPredicate visitor) {
		for (Segment segment : this.segments) {
			segment.lock();
			try {
				for (long slot : segment.slots) {
					if (slot != 0 && slot != REMOVED && !visitor.test(slot & ADDRESS)) {
						return;
					}
				}
			}
			finally {
				segment.unlock();
			}
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

	/** Bits 16 to 23 of the spread hash, in the slot's top byte: neither the segment's bits nor, in most tables, the slot's. */
	private static long tagOf(int spread) {
		return ((long) (spread >>> 16) & 0xFF) << 56;
	}

	private Segment segmentFor(int spread) {
		return this.segments[spread >>> (Integer.SIZE - SEGMENT_BITS)];
	}

	/** Mixes all bits of the key's hash into the high ones (segment) and the low ones (slot). */
	private static int spread(int hash) {
		int h = hash * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

	/** One lock's share of the table; its fields are guarded by the lock it is. */
	@SuppressWarnings("serial")
	private static final class Segment extends ReentrantLock {

		long[] slots = new long[MIN_CAPACITY];

		/** Items in the slots; volatile so that {@link ItemTable#size()} reads it without the lock. */
		volatile int live;

		/** Slots that are not empty: items and tombstones. */
		int occupied;

		int reclaimHand;

		/** The address {@link ItemTable#compute} is changing, 0 for none. */
		long changing;

		/** Rehashes the items into a new array with room to grow, leaving the tombstones behind. */
		void resize(SlabMemory memory) {
			int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, this.live) * 4 - 1));
			long[] resized = new long[capacity];
			int mask = capacity - 1;
			for (long slot : this.slots) {
				if (slot != 0 && slot != REMOVED) {
					int i = spread(new StoredItem(memory, slot & ADDRESS).hash()) & mask;
					while (resized[i] != 0) {
						i = (i + 1) & mask;
					}
					resized[i] = slot;
				}
			}
			this.occupied = this.live;
			this.slots = resized;
			this.reclaimHand = 0;
		}

	}

}
