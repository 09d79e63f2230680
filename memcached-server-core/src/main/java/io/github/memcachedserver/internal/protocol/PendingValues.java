package io.github.memcachedserver.internal.protocol;

import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The server-wide budget for values still arriving: every storage command reserves its
 * declared length when its line is read and gives it back once the value is complete (or the
 * connection is gone). A client that declares large values and sends them slowly, over many
 * connections, can hold no more than this budget; beyond it a command is refused as memcached
 * refuses one it has no memory for ({@code SERVER_ERROR out of memory storing object}), its
 * data swallowed.
 *
 * @since 0.1.0
 */
public final class PendingValues {

	private final long limit;

	private final AtomicLong reserved = new AtomicLong();

	/**
	 * Creates a budget.
	 * @param limit how many bytes of values may be arriving at once, on all connections
	 */
	public PendingValues(long limit) {
		this.limit = limit;
	}

	/**
	 * Starts collecting a value within the budget.
	 * @param length the declared length
	 * @return the accumulator, or {@code null} when the budget has no room for the value
	 */
	public @Nullable ValueAccumulator accumulate(int length) {
		long current;
		do {
			current = this.reserved.get();
			if (current + length > this.limit) {
				return null;
			}
		}
		while (!this.reserved.compareAndSet(current, current + length));
		return new ValueAccumulator(length, this);
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
