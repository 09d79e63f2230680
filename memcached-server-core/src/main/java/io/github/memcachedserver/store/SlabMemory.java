package io.github.memcachedserver.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the built-in store keeps its items: pages of direct memory carved into chunks of a
 * few size classes, as memcached's slab allocator does. The garbage collector never scans
 * or copies an item; it sees one {@link ByteBuffer} per page.
 * <p>
 * A chunk is named by an address, a {@code long} holding the page's number and the
 * chunk's offset in it. Pages are taken as they are needed until the memory limit is
 * reached and are never given back; from then on a class that needs room evicts from its
 * own chunks (memcached evicts from the tail of the class that needs room).
 * <p>
 * Every chunk starts with a reference count ({@link #retain}, {@link #release}): the index
 * holds one reference to a stored item, and each answer still being written holds another,
 * so a chunk returns to its class's free list only when nobody reads it any more.
 * <p>
 * Locking: each class has its own lock for its free list and its eviction hand. While
 * holding it, the allocator asks an {@link Evictor} to remove items, which must never wait
 * for another lock (it tries and moves on), so no two threads can wait for each other.
 */
final class SlabMemory {

	/** memcached's smallest chunk (its 48-byte header and 48 bytes of data). */
	private static final int SMALLEST_CHUNK = 96;

	/** memcached's default growth factor between size classes ({@code -f 1.25}). */
	private static final double GROWTH_FACTOR = 1.25;

	/** memcached's page size ({@code -o slab_page_size}, 1 MiB). */
	private static final int LARGEST_PAGE = 1 << 20;

	private static final int SMALLEST_PAGE = 4 << 10;

	private static final int ALIGNMENT = 8;

	private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

	/** The first field of every chunk: its reference count, 0 when the chunk is free. */
	private static final int REFERENCES = 0;

	/** Where a free chunk keeps the address of the next free chunk of its class. */
	private static final int NEXT_FREE = 8;

	private static final Logger logger = LoggerFactory.getLogger(SlabMemory.class);

	/** The bytes the pages may take; lowered if the JVM runs out of direct memory first. */
	private long limit;

	private final SizeClass[] classes;

	private final Object pageTableLock = new Object();

	/** Pages by number (0 is never used, so no address is 0); replaced, never changed, as it grows. */
	private volatile ByteBuffer[] pages = new ByteBuffer[64];

	/** The class each page belongs to, by page number. */
	private volatile SizeClass[] owners = new SizeClass[64];

	private int pageCount = 1;

	private long pageBytes;

	/**
	 * Creates the memory of a store.
	 * @param limit the bytes all pages together may take
	 * @param largestChunk the largest chunk a class needs (the item size limit)
	 */
	SlabMemory(long limit, int largestChunk) {
		this.limit = limit;
		long directMemory = maxDirectMemory();
		if (limit > directMemory) {
			logger.warn("The store's memory limit ({} MB) is more than the JVM's direct memory ({} MB): it will stop "
					+ "growing there; start the JVM with -XX:MaxDirectMemorySize={}m", limit >> 20, directMemory >> 20,
					(limit >> 20) + 128);
		}
		// a small store gets small pages, so that every class can have some
		int basePage = (int) Math.max(SMALLEST_PAGE, Math.min(LARGEST_PAGE, Long.highestOneBit(limit / 16)));
		int[] sizes = chunkSizes(largestChunk);
		this.classes = new SizeClass[sizes.length];
		for (int i = 0; i < sizes.length; i++) {
			// pages of one size, so that a page can move to any class (a larger chunk gets a page of its own)
			this.classes[i] = new SizeClass(sizes[i], Math.max(basePage, sizes[i]));
		}
	}

	/** The JVM's direct memory limit: {@code -XX:MaxDirectMemorySize}, or the maximum heap by default. */
	private static long maxDirectMemory() {
		HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		long configured = (hotSpot != null) ? Long.parseLong(hotSpot.getVMOption("MaxDirectMemorySize").getValue()) : 0;
		return (configured > 0) ? configured : Runtime.getRuntime().maxMemory();
	}

	private static int[] chunkSizes(int largest) {
		int[] sizes = new int[64];
		int count = 0;
		for (int size = SMALLEST_CHUNK; size < largest / GROWTH_FACTOR; size = align((int) (size * GROWTH_FACTOR))) {
			sizes[count++] = size;
		}
		sizes[count++] = align(largest);
		return Arrays.copyOf(sizes, count);
	}

	private static int align(int size) {
		return (size + ALIGNMENT - 1) & -ALIGNMENT;
	}

	/**
	 * Takes a chunk of at least the given size, evicting from its class when no free chunk
	 * is left and the limit allows no new page. The chunk comes with one reference, its
	 * caller's.
	 * @param size the bytes needed
	 * @param evictor removes items from the index to make room
	 * @return the chunk's address, or 0 when no room could be made
	 */
	long allocate(int size, Evictor evictor) {
		SizeClass sizeClass = classFor(size);
		if (sizeClass == null) {
			return 0;
		}
		sizeClass.lock.lock();
		try {
			while (sizeClass.freeHead == 0) {
				if (!addPage(sizeClass) && !evictOne(sizeClass, evictor) && !movePage(sizeClass, evictor)) {
					return 0;
				}
			}
			long address = sizeClass.freeHead;
			ByteBuffer page = page(address);
			int offset = offset(address);
			sizeClass.freeHead = page.getLong(offset + NEXT_FREE);
			INT.setVolatile(page, offset + REFERENCES, 1);
			return address;
		}
		finally {
			sizeClass.lock.unlock();
		}
	}

	/**
	 * Adds a reference to a chunk that has one already.
	 * @param address the chunk
	 */
	void retain(long address) {
		INT.getAndAdd(page(address), offset(address) + REFERENCES, 1);
	}

	/**
	 * Drops a reference; the last one frees the chunk.
	 * @param address the chunk
	 */
	void release(long address) {
		ByteBuffer page = page(address);
		int offset = offset(address);
		int left = (int) INT.getAndAdd(page, offset + REFERENCES, -1) - 1;
		if (left == 0) {
			free(address, page, offset);
		}
		else if (left < 0) {
			throw new IllegalStateException("chunk released once too often");
		}
	}

	/**
	 * Tells whether anyone but the index holds the chunk.
	 * @param address the chunk
	 * @return whether an answer in flight still reads it
	 */
	boolean isShared(long address) {
		return (int) INT.getVolatile(page(address), offset(address) + REFERENCES) > 1;
	}

	private void free(long address, ByteBuffer page, int offset) {
		SizeClass sizeClass = this.owners[pageNumber(address)];
		sizeClass.lock.lock();
		try {
			page.putLong(offset + NEXT_FREE, sizeClass.freeHead);
			sizeClass.freeHead = address;
		}
		finally {
			sizeClass.lock.unlock();
		}
	}

	/**
	 * Returns the page a chunk lies in; its offset is {@link #offset}.
	 * @param address the chunk
	 * @return the page
	 */
	ByteBuffer page(long address) {
		return this.pages[pageNumber(address)];
	}

	/**
	 * Returns where a chunk starts in its page.
	 * @param address the chunk
	 * @return the offset
	 */
	static int offset(long address) {
		return (int) address;
	}

	private static int pageNumber(long address) {
		return (int) (address >>> 32);
	}

	/**
	 * Returns the bytes the pages take.
	 * @return the bytes of direct memory in use
	 */
	long pageBytes() {
		synchronized (this.pageTableLock) {
			return this.pageBytes;
		}
	}

	private SizeClass classFor(int size) {
		for (SizeClass sizeClass : this.classes) {
			if (sizeClass.chunkSize >= size) {
				return sizeClass;
			}
		}
		return null;
	}

	/** Takes a new page for the class, if the limit allows, and puts its chunks on the free list. */
	private boolean addPage(SizeClass sizeClass) {
		int number;
		ByteBuffer page;
		synchronized (this.pageTableLock) {
			if (this.pageBytes + sizeClass.pageSize > this.limit || this.pageCount == Integer.MAX_VALUE) {
				return false;
			}
			try {
				page = ByteBuffer.allocateDirect(sizeClass.pageSize).order(ByteOrder.nativeOrder());
			}
			catch (OutOfMemoryError ex) {
				// the JVM's direct memory is smaller than the limit: the store keeps what it has
				logger.warn("The store stops growing at {} MB of its {} MB: the JVM allows no more direct memory "
						+ "(raise -XX:MaxDirectMemorySize)", this.pageBytes >> 20, this.limit >> 20);
				this.limit = this.pageBytes;
				return false;
			}
			number = this.pageCount++;
			if (number == this.pages.length) {
				this.owners = Arrays.copyOf(this.owners, number * 2);
				this.pages = Arrays.copyOf(this.pages, number * 2);
			}
			this.owners[number] = sizeClass;
			this.pages[number] = page;
			this.pageBytes += sizeClass.pageSize;
		}
		sizeClass.addPage(number, page);
		return true;
	}

	/**
	 * Gives the class a page taken from the class with the most pages, once every item in
	 * that page is evicted: without it, the classes that took the memory first would keep
	 * it when the sizes written change (memcached's slab rebalancing does the same).
	 */
	private boolean movePage(SizeClass needy, Evictor evictor) {
		SizeClass victim = null;
		for (SizeClass candidate : this.classes) {
			// a glance without the lock, to choose: checked again under it
			if (candidate != needy && candidate.pageSize >= needy.chunkSize
					&& (victim == null || candidate.pageCount > victim.pageCount)) {
				victim = candidate;
			}
		}
		// never wait for another class's lock: its owner may be moving a page to us
		if (victim == null || !victim.lock.tryLock()) {
			return false;
		}
		try {
			// from the hand on, the first page whose items can all go
			for (int tried = 0; tried < victim.pageCount; tried++, victim.advanceHandToNextPage()) {
				int number = victim.pageNumbers[victim.handPage];
				ByteBuffer page = this.pages[number];
				if (page.capacity() >= needy.chunkSize && evictAll(victim, number, page, evictor)) {
					victim.removePage(number, page);
					this.owners[number] = needy;
					needy.addPage(number, page);
					return true;
				}
			}
			return false;
		}
		finally {
			victim.lock.unlock();
		}
	}

	/** Evicts every item of a page; false if one cannot go (an answer in flight reads it, or it is being changed). */
	private static boolean evictAll(SizeClass owner, int number, ByteBuffer page, Evictor evictor) {
		for (int offset = 0; offset + owner.chunkSize <= page.capacity(); offset += owner.chunkSize) {
			if ((int) INT.getVolatile(page, offset + REFERENCES) > 0 && !evictor.evict(address(number, offset), true)) {
				return false;
			}
		}
		return true;
	}

	private static long address(int pageNumber, int offset) {
		return ((long) pageNumber << 32) | offset;
	}

	/**
	 * CLOCK over the class's chunks: the hand offers each chunk in use to the evictor, which
	 * spares the recently used ones a few times. Once the hand has taken every use (four full
	 * turns) without success, nothing can go.
	 */
	private boolean evictOne(SizeClass sizeClass, Evictor evictor) {
		long chunks = (long) sizeClass.pageCount * (sizeClass.pageSize / sizeClass.chunkSize);
		for (long step = 0; step < 4 * chunks; step++) {
			long address = sizeClass.advanceHand();
			ByteBuffer page = page(address);
			if ((int) INT.getVolatile(page, offset(address) + REFERENCES) > 0 && evictor.evict(address, false)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Removes an item from the index to make room, if it should go and can go at once.
	 */
	@FunctionalInterface
	interface Evictor {

		/**
		 * Removes the item at the address unless it is being changed or is read by an answer
		 * in flight, or was recently used and is not forced out; it must not wait for a lock.
		 * @param address a chunk in use, maybe not (or no longer) an item of the index
		 * @param force whether a recently used item goes as well (its page is needed)
		 * @return whether the chunk was freed
		 */
		boolean evict(long address, boolean force);

	}

	/** Chunks of one size; every field but the sizes is guarded by the lock. */
	private final class SizeClass {

		final int chunkSize;

		final int pageSize;

		final ReentrantLock lock = new ReentrantLock();

		long freeHead;

		int[] pageNumbers = new int[8];

		int pageCount;

		int handPage;

		int handOffset;

		SizeClass(int chunkSize, int pageSize) {
			this.chunkSize = chunkSize;
			this.pageSize = pageSize;
		}

		/** Takes a page and puts its chunks on the free list, the first chunk on top. */
		void addPage(int number, ByteBuffer page) {
			if (this.pageCount == this.pageNumbers.length) {
				this.pageNumbers = Arrays.copyOf(this.pageNumbers, this.pageCount * 2);
			}
			this.pageNumbers[this.pageCount++] = number;
			for (int offset = (page.capacity() / this.chunkSize - 1) * this.chunkSize; offset >= 0; offset -= this.chunkSize) {
				page.putInt(offset + REFERENCES, 0);
				page.putLong(offset + NEXT_FREE, this.freeHead);
				this.freeHead = address(number, offset);
			}
		}

		/** Gives up a page whose chunks are all free: they leave the free list. */
		void removePage(int number, ByteBuffer page) {
			long previous = 0;
			for (long address = this.freeHead; address != 0;) {
				long next = page(address).getLong(offset(address) + NEXT_FREE);
				if (pageNumber(address) == number) {
					if (previous == 0) {
						this.freeHead = next;
					}
					else {
						page(previous).putLong(offset(previous) + NEXT_FREE, next);
					}
				}
				else {
					previous = address;
				}
				address = next;
			}
			int index = this.handPage;
			this.pageNumbers[index] = this.pageNumbers[--this.pageCount];
			this.handOffset = 0;
			this.handPage = (this.pageCount == 0 || index < this.pageCount) ? index : 0;
		}

		long advanceHand() {
			long address = address(this.pageNumbers[this.handPage], this.handOffset);
			this.handOffset += this.chunkSize;
			if (this.handOffset + this.chunkSize > page(address).capacity()) {
				advanceHandToNextPage();
			}
			return address;
		}

		void advanceHandToNextPage() {
			this.handOffset = 0;
			this.handPage = (this.handPage + 1) % this.pageCount;
		}

	}

}
