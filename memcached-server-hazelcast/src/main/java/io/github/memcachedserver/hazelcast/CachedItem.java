package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.github.memcachedserver.handler.Item;
import org.jspecify.annotations.Nullable;

/**
 * One item as the map holds it: the value, the client flags, the CAS unique, and the times
 * that memcached's expiry and {@code flush_all} work from. Immutable: every change stores a
 * new item through an entry processor on the key's owner.
 * <p>
 * Read state that the built-in store records on every {@code get} (fetched, last access) is
 * not kept: a read would otherwise become a write replicated to the backups.
 */
final class CachedItem implements DataSerializable {

	/** Marked stale by a meta delete with {@code I}: still served, flagged {@code X}. */
	static final int STALE = 1;

	/** Stored by {@code ms} under a base64-sent key: meta answers show the key base64-encoded. */
	static final int BINARY_KEY = 1 << 1;

	/** A client has been told it won the right to recache this item ({@code W}, then {@code Z}). */
	static final int TOKEN_SENT = 1 << 2;

	private byte[] value;

	private int flags;

	private long cas;

	/** Unix second from which the item is gone, or 0 for never. */
	private long expiresAt;

	/** Unix second of the last write, for {@code flush_all} with a delay. */
	private long storedAt;

	private int state;

	/** For Hazelcast's deserialization. */
	CachedItem() {
		this.value = new byte[0];
	}

	CachedItem(byte[] value, int flags, long cas, long expiresAt, long storedAt, int state) {
		this.value = value;
		this.flags = flags;
		this.cas = cas;
		this.expiresAt = expiresAt;
		this.storedAt = storedAt;
		this.state = state;
	}

	byte[] value() {
		return this.value;
	}

	int flags() {
		return this.flags;
	}

	long cas() {
		return this.cas;
	}

	long expiresAt() {
		return this.expiresAt;
	}

	long storedAt() {
		return this.storedAt;
	}

	boolean has(int bit) {
		return (this.state & bit) != 0;
	}

	/**
	 * Tells whether the item is still served: not expired, and not written at or before the
	 * second a {@code flush_all} invalidated once that second has come.
	 * @param now the current unix second
	 * @param oldestLive the flush mark ({@link FlushMark}), 0 for none
	 */
	boolean isLive(long now, long oldestLive) {
		boolean expired = this.expiresAt != 0 && this.expiresAt <= now;
		boolean flushed = oldestLive != 0 && oldestLive <= now && this.storedAt <= oldestLive;
		return !expired && !flushed;
	}

	static @Nullable CachedItem live(@Nullable CachedItem item, long now, long oldestLive) {
		return (item != null && item.isLive(now, oldestLive)) ? item : null;
	}

	/** Seconds left to live, -1 for unlimited (the meta {@code t} flag). */
	long ttl(long now) {
		return (this.expiresAt == 0) ? -1 : this.expiresAt - now;
	}

	CachedItem withValue(byte[] newValue, long newCas, long now) {
		return new CachedItem(newValue, this.flags, newCas, this.expiresAt, now, this.state & ~STALE);
	}

	CachedItem withExpiry(long newExpiresAt) {
		return new CachedItem(this.value, this.flags, this.cas, newExpiresAt, this.storedAt, this.state);
	}

	CachedItem withState(int newState) {
		return new CachedItem(this.value, this.flags, this.cas, this.expiresAt, this.storedAt, newState);
	}

	int state() {
		return this.state;
	}

	Item toItem() {
		return new Item(this.value, this.flags, this.cas);
	}

	@Override
	public void writeData(ObjectDataOutput out) throws IOException {
		out.writeByteArray(this.value);
		out.writeInt(this.flags);
		out.writeLong(this.cas);
		out.writeLong(this.expiresAt);
		out.writeLong(this.storedAt);
		out.writeByte(this.state);
	}

	@Override
	public void readData(ObjectDataInput in) throws IOException {
		this.value = in.readByteArray();
		this.flags = in.readInt();
		this.cas = in.readLong();
		this.expiresAt = in.readLong();
		this.storedAt = in.readLong();
		this.state = in.readByte();
	}

}
