package io.github.memcachedserver.internal.protocol;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.internal.ReceivingStore;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The server-wide budget for values still arriving: every storage command reserves its
 * declared length when its line is read and gives it back once the value is complete (or the
 * connection is gone). A client that declares large values and sends them slowly, over many
 * connections, can hold no more than this budget; beyond it a command is refused as memcached
 * refuses one it has no memory for ({@code SERVER_ERROR out of memory storing object}), its
 * data swallowed.
 * <p>
 * With the built-in store, a value goes straight into the memory of its item as it arrives
 * ({@link ReceivingStore}); for any other handler it is collected on the heap.
 *
 * @since 0.1.0
 */
public final class PendingValues {

	private final long limit;

	private final Function<Key, @Nullable ReceivingStore> stores;

	private final AtomicLong reserved = new AtomicLong();

	/**
	 * Creates a budget for values collected on the heap.
	 * @param limit how many bytes of values may be arriving at once, on all connections
	 */
	public PendingValues(long limit) {
		this(limit, (key) -> null);
	}

	/**
	 * Creates a budget.
	 * @param limit how many bytes of values may be arriving at once, on all connections
	 * @param stores the store a key's values arrive in, or {@code null} to collect them on the heap
	 */
	public PendingValues(long limit, Function<Key, @Nullable ReceivingStore> stores) {
		this.limit = limit;
		this.stores = stores;
	}

	/**
	 * Starts collecting a value within the budget, on the heap.
	 * @param length the declared length
	 * @return the accumulator, or {@code null} when the budget has no room for the value
	 */
	public @Nullable ValueAccumulator accumulate(int length) {
		return reserve(length) ? new ValueAccumulator(length, this, null) : null;
	}

	/**
	 * Starts collecting an item's value within the budget, in the store's memory when the
	 * store takes values as they arrive and has room, otherwise on the heap.
	 * @param key the key
	 * @param length the declared length
	 * @param flags the client flags
	 * @return the accumulator, or {@code null} when the budget has no room for the value
	 */
	public @Nullable ValueAccumulator receive(Key key, int length, int flags) {
		if (!reserve(length)) {
			return null;
		}
		ReceivingStore store = (length > 0) ? this.stores.apply(key) : null;
		ByteBuf memory = (store != null) ? store.reserve(key, length, flags) : null;
		return new ValueAccumulator(length, this, memory);
	}

	private boolean reserve(int length) {
		long current;
		do {
			current = this.reserved.get();
			if (current + length > this.limit) {
				return false;
			}
		}
		while (!this.reserved.compareAndSet(current, current + length));
		return true;
	}

	/**
	 * Returns how many bytes are reserved by values still arriving.
	 * @return the bytes
	 */
	public long reserved() {
		return this.reserved.get();
	}

	void release(int length) {
		this.reserved.addAndGet(-length);
	}

}
