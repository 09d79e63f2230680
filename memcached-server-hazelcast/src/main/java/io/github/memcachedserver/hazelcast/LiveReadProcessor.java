package io.github.memcachedserver.hazelcast;

import java.io.IOException;
import java.util.Map;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import org.jspecify.annotations.Nullable;

/**
 * The read of a multi-key {@code get}: sent to many keys at once ({@code submitToKeys}, one
 * operation per member), it answers only the live items, so expired and flushed ones do not
 * cross the network. Read-only: no backup runs it and it takes no lock.
 */
final class LiveReadProcessor implements EntryProcessor<String, CachedItem, CachedItem>, ReadOnly, DataSerializable {

	private long now;

	private long oldestLive;

	/** For Hazelcast's deserialization. */
	LiveReadProcessor() {
	}

	LiveReadProcessor(long now, long oldestLive) {
		this.now = now;
		this.oldestLive = oldestLive;
	}

	@Override
	public @Nullable CachedItem process(Map.Entry<String, CachedItem> entry) {
		return CachedItem.live(entry.getValue(), this.now, this.oldestLive);
	}

	@Override
	public @Nullable EntryProcessor<String, CachedItem, CachedItem> getBackupProcessor() {
		return null;
	}

	@Override
	public void writeData(ObjectDataOutput out) throws IOException {
		out.writeLong(this.now);
		out.writeLong(this.oldestLive);
	}

	@Override
	public void readData(ObjectDataInput in) throws IOException {
		this.now = in.readLong();
		this.oldestLive = in.readLong();
	}

}
