package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import org.jspecify.annotations.Nullable;

/**
 * {@code touch} and {@code gat}: a new expiry, the item otherwise unchanged (its CAS unique
 * too, as in memcached). Answers the touched item, or {@code null} when there is none.
 */
final class TouchProcessor extends ItemProcessor<CachedItem> {

	private long expiresAt;

	/** For Hazelcast's deserialization. */
	TouchProcessor() {
	}

	TouchProcessor(long expiresAt, long now, long oldestLive) {
		super(now, oldestLive, 0);
		this.expiresAt = expiresAt;
	}

	@Override
	@Nullable CachedItem apply(@Nullable CachedItem live) {
		if (live == null) {
			return null;
		}
		CachedItem touched = live.withExpiry(this.expiresAt);
		store(touched);
		return touched;
	}

	@Override
	void writeFields(ObjectDataOutput out) throws IOException {
		out.writeLong(this.expiresAt);
	}

	@Override
	void readFields(ObjectDataInput in) throws IOException {
		this.expiresAt = in.readLong();
	}

}
