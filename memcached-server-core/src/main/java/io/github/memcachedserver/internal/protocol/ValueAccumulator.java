package io.github.memcachedserver.internal.protocol;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * Collects a value of a declared length as its bytes arrive, growing its array with the data
 * actually received, so a client that declares a large value and sends little of it holds
 * little memory.
 *
 * @since 0.1.0
 */
public final class ValueAccumulator {

	/** Values up to this size get their whole array at once. */
	private static final int INITIAL_CAPACITY = 16 * 1024;

	private final int length;

	private final PendingValues budget;

	private byte[] value;

	private int filled;

	/** Whether the reservation went back to the budget. */
	private boolean released;

	/**
	 * Starts collecting a value whose length the budget has reserved ({@link PendingValues#accumulate}).
	 * @param length the declared length
	 * @param budget the budget to give the reservation back to
	 */
	ValueAccumulator(int length, PendingValues budget) {
		this.length = length;
		this.budget = budget;
		this.value = new byte[Math.min(length, INITIAL_CAPACITY)];
	}

	/**
	 * Takes as many of the value's bytes as are readable.
	 * @param in the inbound bytes
	 * @return whether the value is complete
	 */
	public boolean fill(ByteBuf in) {
		int bytes = Math.min(in.readableBytes(), this.length - this.filled);
		if (this.filled + bytes > this.value.length) {
			int capacity = (int) Math.min(this.length, Math.max((long) this.value.length * 2, this.filled + bytes));
			this.value = Arrays.copyOf(this.value, capacity);
		}
		in.readBytes(this.value, this.filled, bytes);
		this.filled += bytes;
		if (isComplete()) {
			// the value is the command's now: what is still arriving no longer includes it
			discard();
			return true;
		}
		return false;
	}

	/**
	 * Gives the reservation back: the value is complete, or will never be (its connection closed).
	 */
	public void discard() {
		if (!this.released) {
			this.released = true;
			this.budget.release(this.length);
		}
	}

	/**
	 * Tells whether every declared byte has arrived.
	 * @return whether the value is complete
	 */
	public boolean isComplete() {
		return this.filled == this.length;
	}

	/**
	 * Returns the value; only meaningful once complete.
	 * @return the value bytes (not a copy)
	 */
	public byte[] value() {
		return this.value;
	}

}
