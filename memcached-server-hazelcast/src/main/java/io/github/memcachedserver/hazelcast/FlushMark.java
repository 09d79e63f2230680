package io.github.memcachedserver.hazelcast;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

/**
 * The cluster's {@code flush_all} mark: items written at or before this unix second are gone
 * once it has come (memcached's {@code settings.oldest_live}). It lives in a small map of its
 * own, so an instance that joins later learns it, and every instance keeps a copy that a map
 * listener updates: the item processors carry the caller's copy to the key's owner.
 * <p>
 * An immediate {@code flush_all} also clears the item map, so it is exact on every instance as
 * soon as it is answered; a delayed one reaches the other instances as the listener event
 * does, within milliseconds.
 */
final class FlushMark implements AutoCloseable {

	private static final String KEY = "oldest-live";

	private final IMap<String, Long> marks;

	private final UUID listener;

	private volatile long oldestLive;

	FlushMark(HazelcastInstance hazelcast, String mapName) {
		this.marks = hazelcast.getMap(mapName);
		this.listener = this.marks.addEntryListener(new Listener(), true);
		Long current = this.marks.get(KEY);
		if (current != null) {
			this.oldestLive = current;
		}
	}

	long oldestLive() {
		return this.oldestLive;
	}

	CompletionStage<Void> set(long oldestLive) {
		this.oldestLive = oldestLive;
		return this.marks.setAsync(KEY, oldestLive);
	}

	@Override
	public void close() {
		this.marks.removeEntryListener(this.listener);
	}

	private final class Listener implements EntryAddedListener<String, Long>, EntryUpdatedListener<String, Long> {

		@Override
		public void entryAdded(EntryEvent<String, Long> event) {
			FlushMark.this.oldestLive = event.getValue();
		}

		@Override
		public void entryUpdated(EntryEvent<String, Long> event) {
			FlushMark.this.oldestLive = event.getValue();
		}

	}

}
