package io.github.memcachedserver.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import org.jspecify.annotations.Nullable;

/**
 * {@code delete}: answers whether there was a live item.
 */
final class DeleteProcessor extends ItemProcessor<Boolean> {

	/** For Hazelcast's deserialization. */
	DeleteProcessor() {
	}

	DeleteProcessor(long now, long oldestLive) {
		super(now, oldestLive, 0);
	}

	@Override
	Boolean apply(@Nullable CachedItem live) {
		if (live == null) {
			return false;
		}
		remove();
		return true;
	}

	@Override
	void writeFields(ObjectDataOutput out) {
	}

	@Override
	void readFields(ObjectDataInput in) {
	}

}
