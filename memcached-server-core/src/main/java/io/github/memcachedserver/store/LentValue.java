package io.github.memcachedserver.store;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import org.jspecify.annotations.Nullable;

/**
 * An item's value as a Netty buffer over the item's own chunk, for an answer to write
 * without copying it. The buffer holds a reference to the chunk, so a replaced, deleted,
 * evicted or flushed item keeps its memory (and its bytes) until the last answer sending
 * it has been written; releasing the buffer drops that reference. Netty's leak detector
 * tracks these buffers like its own.
 */
final class LentValue extends UnpooledDirectByteBuf {

	private static final ResourceLeakDetector<LentValue> leaks = ResourceLeakDetectorFactory.instance()
		.newResourceLeakDetector(LentValue.class);

	private final SlabMemory memory;

	private final long address;

	private final @Nullable ResourceLeakTracker<LentValue> leak;

	/**
	 * Wraps a value; the caller has already retained the chunk for this buffer.
	 */
	LentValue(SlabMemory memory, long address, ByteBuffer value) {
		super(ByteBufAllocator.DEFAULT, value, value.remaining());
		this.memory = memory;
		this.address = address;
		this.leak = leaks.track(this);
	}

	@Override
	protected void deallocate() {
		// the chunk is not ours to free: the memory frees it once nobody holds it
		super.deallocate();
		if (this.leak != null) {
			this.leak.close(this);
		}
		this.memory.release(this.address);
	}

}
