package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import org.jspecify.annotations.Nullable;

/**
 * {@code set}, {@code add}, {@code replace} and {@code cas}: a whole new item, stored when the
 * command's condition holds. Answers a {@link WriteOutcome}.
 */
final class WriteProcessor extends ItemProcessor<Long> {

	enum Mode {

		SET, ADD, REPLACE, CAS

	}

	private Mode mode = Mode.SET;

	private byte[] value = new byte[0];

	private int flags;

	private long expiresAt;

	private long compareCas;

	/** For Hazelcast's deserialization. */
	WriteProcessor() {
	}

	WriteProcessor(Mode mode, byte[] value, int flags, long expiresAt, long compareCas, long now, long oldestLive,
			long newCas) {
		super(now, oldestLive, newCas);
		this.mode = mode;
		this.value = value;
		this.flags = flags;
		this.expiresAt = expiresAt;
		this.compareCas = compareCas;
	}

	@Override
	Long apply(@Nullable CachedItem live) {
		switch (this.mode) {
			case ADD -> {
				if (live != null) {
					return WriteOutcome.NOT_STORED;
				}
			}
			case REPLACE -> {
				if (live == null) {
					return WriteOutcome.NOT_STORED;
				}
			}
			case CAS -> {
				if (live == null) {
					return WriteOutcome.NOT_FOUND;
				}
				if (live.cas() != this.compareCas) {
					return WriteOutcome.EXISTS;
				}
			}
			case SET -> {
			}
		}
		long cas = nextCas();
		store(new CachedItem(this.value, this.flags, cas, this.expiresAt, this.now, 0));
		return cas;
	}

	@Override
	void writeFields(ObjectDataOutput out) throws IOException {
		out.writeByte(this.mode.ordinal());
		out.writeByteArray(this.value);
		out.writeInt(this.flags);
		out.writeLong(this.expiresAt);
		out.writeLong(this.compareCas);
	}

	@Override
	void readFields(ObjectDataInput in) throws IOException {
		this.mode = Mode.values()[in.readByte()];
		this.value = in.readByteArray();
		this.flags = in.readInt();
		this.expiresAt = in.readLong();
		this.compareCas = in.readLong();
	}

}
