package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.github.memcachedserver.store.ItemSize;
import org.jspecify.annotations.Nullable;

/**
 * {@code append} and {@code prepend}: the item keeps its flags and expiry, and is not stored
 * when the result would pass the item size limit. Answers a {@link WriteOutcome}.
 */
final class ConcatProcessor extends ItemProcessor<Long> {

	private byte[] data = new byte[0];

	private boolean append;

	private int keyLength;

	private int maxItemSize;

	/** For Hazelcast's deserialization. */
	ConcatProcessor() {
	}

	ConcatProcessor(byte[] data, boolean append, int keyLength, int maxItemSize, long now, long oldestLive,
			long newCas) {
		super(now, oldestLive, newCas);
		this.data = data;
		this.append = append;
		this.keyLength = keyLength;
		this.maxItemSize = maxItemSize;
	}

	@Override
	Long apply(@Nullable CachedItem live) {
		if (live == null
				|| ItemSize.of(this.keyLength, (long) live.value().length + this.data.length, live.flags()) > this.maxItemSize) {
			return WriteOutcome.NOT_STORED;
		}
		byte[] joined = this.append ? Bytes.concat(live.value(), this.data) : Bytes.concat(this.data, live.value());
		long cas = nextCas();
		store(new CachedItem(joined, live.flags(), cas, live.expiresAt(), this.now, 0));
		return cas;
	}

	@Override
	void writeFields(ObjectDataOutput out) throws IOException {
		out.writeByteArray(this.data);
		out.writeBoolean(this.append);
		out.writeInt(this.keyLength);
		out.writeInt(this.maxItemSize);
	}

	@Override
	void readFields(ObjectDataInput in) throws IOException {
		this.data = in.readByteArray();
		this.append = in.readBoolean();
		this.keyLength = in.readInt();
		this.maxItemSize = in.readInt();
	}

}
