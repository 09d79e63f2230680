package io.github.memcachedserver.store;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import org.jspecify.annotations.Nullable;

/**
 * The value of an item not stored yet, as a Netty buffer over the item's own chunk: the
 * decoder writes the value's bytes into it as they arrive, then the store links the chunk as
 * the item ({@link #storeAs}), so the value is copied once, from the socket's buffer. The
 * buffer holds the chunk's one reference until then; released unstored (the command failed
 * or was never run), it frees the chunk. Netty's leak detector tracks these buffers like its
 * own.
 */
final class ReceivedValue extends UnpooledDirectByteBuf implements NewValue {

	private static final ResourceLeakDetector<ReceivedValue> leaks = ResourceLeakDetectorFactory.instance()
		.newResourceLeakDetector(ReceivedValue.class);

	private final SlabMemory memory;

	private final long address;

	private final Runnable released;

	/** The chunk's value, positioned anew for each copy into it. */
	private final ByteBuffer view;

	private final @Nullable ResourceLeakTracker<ReceivedValue> leak;

	/** Whether the chunk is an item of the index now: no longer this buffer's to free. */
	private boolean stored;

	/**
	 * Wraps the value of a chunk just allocated (whose reference this buffer takes), empty;
	 * {@code released} runs once the buffer is released, stored or not.
	 */
	ReceivedValue(SlabMemory memory, long address, ByteBuffer value, Runnable released) {
		super(ByteBufAllocator.DEFAULT, value, value.remaining());
		clear();
		this.memory = memory;
		this.address = address;
		this.released = released;
		this.view = value;
		this.leak = leaks.track(this);
	}

	/**
	 * Returns the item this value belongs to, for its bytes to be copied elsewhere.
	 * @return a view of the item
	 */
	StoredItem item() {
		return new StoredItem(this.memory, this.address);
	}

	@Override
	public int length() {
		return capacity();
	}

	@Override
	public void copyTo(StoredItem target, int at) {
		target.writeValue(at, item());
	}

	/**
	 * Makes the chunk a stored item with the given expiry, CAS unique and time: its reference
	 * goes to the index, which the caller links it into.
	 * @return the item
	 */
	StoredItem storeAs(long expiresAt, long cas, long now) {
		if (this.stored || writableBytes() != 0) {
			throw new IllegalStateException("a value is stored once, complete");
		}
		this.stored = true;
		StoredItem item = item();
		item.stamp(expiresAt, cas, now);
		return item;
	}

	/**
	 * Copies arriving bytes through the view of the chunk this buffer was made with: Netty's
	 * own copy into a direct buffer without a memory address makes new views at every read,
	 * and its reusable one is a view more per value.
	 */
	@Override
	public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
		checkIndex(index, length);
		src.getBytes(srcIndex, this.view.clear().position(index).limit(index + length));
		return this;
	}

	@Override
	protected void deallocate() {
		// the page is not ours to free: the chunk goes back to the memory unless it was stored
		super.deallocate();
		if (this.leak != null) {
			this.leak.close(this);
		}
		if (!this.stored) {
			this.memory.release(this.address);
		}
		this.released.run();
	}

}
