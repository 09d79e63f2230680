package io.github.memcachedserver.internal.protocol;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Collects a value of a declared length as its bytes arrive: into the store's memory when
 * the store gave some ({@link io.github.memcachedserver.internal.ReceivingStore}), copying
 * each read once; otherwise into an array that grows with the data actually received, so a
 * client that declares a large value and sends little of it holds little memory.
 *
 * @since 0.1.0
 */
public final class ValueAccumulator {

	/** Values up to this size get their whole array at once. */
	private static final int INITIAL_CAPACITY = 16 * 1024;

	private static final byte[] NO_BYTES = {};

	private final int length;

	private final PendingValues budget;

	/** The store's memory the value goes to, until a command takes it; {@code null} on the heap. */
	private @Nullable ByteBuf received;

	private byte[] value;

	private int filled;

	/** Whether the reservation went back to the budget. */
	private boolean released;

	/**
	 * Starts collecting a value whose length the budget has reserved ({@link PendingValues#accumulate}).
	 * @param length the declared length
	 * @param budget the budget to give the reservation back to
	 * @param received the store's memory for the value (one reference, taken over), or
	 * {@code null} to collect it on the heap
	 */
	ValueAccumulator(int length, PendingValues budget, @Nullable ByteBuf received) {
		this.length = length;
		this.budget = budget;
		this.received = received;
		this.value = (received != null) ? NO_BYTES : new byte[Math.min(length, INITIAL_CAPACITY)];
	}

	/**
	 * Takes as many of the value's bytes as are readable.
	 * @param in the inbound bytes
	 * @return whether the value is complete
	 */
	public boolean fill(ByteBuf in) {
		int bytes = Math.min(in.readableBytes(), this.length - this.filled);
		if (this.received != null) {
			this.received.writeBytes(in, bytes);
		}
		else {
			if (this.filled + bytes > this.value.length) {
				int capacity = (int) Math.min(this.length, Math.max((long) this.value.length * 2, this.filled + bytes));
				this.value = Arrays.copyOf(this.value, capacity);
			}
			in.readBytes(this.value, this.filled, bytes);
		}
		this.filled += bytes;
		if (isComplete()) {
			// the value is the command's now: what is still arriving no longer includes it
			giveBackReservation();
			return true;
		}
		return false;
	}

	/**
	 * Drops the value: it will never complete (its connection closed), or it is refused. Its
	 * reservation goes back to the budget and the store's memory, unless a command took it,
	 * back to the store.
	 */
	public void discard() {
		giveBackReservation();
		ByteBuf received = this.received;
		if (received != null) {
			this.received = null;
			received.release();
		}
	}

	private void giveBackReservation() {
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
	 * Returns the value collected on the heap; only meaningful once complete.
	 * @return the value bytes (not a copy), empty when the value is in the store's memory
	 */
	public byte[] value() {
		return this.value;
	}

	/**
	 * Hands the store's memory holding the value over to its command; only meaningful once complete.
	 * @return the value (one reference, the caller's), or {@code null} when it was collected on the heap
	 */
	public @Nullable ByteBuf takeReceived() {
		ByteBuf received = this.received;
		this.received = null;
		return received;
	}

}
