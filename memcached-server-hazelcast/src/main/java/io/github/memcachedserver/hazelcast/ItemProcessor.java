package io.github.memcachedserver.hazelcast;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import org.jspecify.annotations.Nullable;

/**
 * A read-modify-write of one item, run by Hazelcast on the member that owns the key (and then
 * on its backups), so concurrent commands on one key are atomic wherever they come from.
 * <p>
 * The processor carries the caller's clock, flush mark and a fresh CAS unique, so the owner and
 * every backup compute the same item: a backup replays the processor rather than receiving the
 * item. An expired or flushed item counts as absent, and is removed if the command leaves it.
 *
 * @param <R> what the command answers
 */
abstract class ItemProcessor<R> implements EntryProcessor<String, CachedItem, R>, DataSerializable {

	/** The caller's unix second. */
	long now;

	/** The caller's flush mark ({@link FlushMark}). */
	long oldestLive;

	/** A CAS unique no other write has (a Hazelcast flake id). */
	long newCas;

	private transient Map.@Nullable Entry<String, CachedItem> entry;

	private transient boolean written;

	/** For Hazelcast's deserialization. */
	ItemProcessor() {
	}

	ItemProcessor(long now, long oldestLive, long newCas) {
		this.now = now;
		this.oldestLive = oldestLive;
		this.newCas = newCas;
	}

	@Override
	public final R process(Map.Entry<String, CachedItem> entry) {
		this.entry = entry;
		this.written = false;
		CachedItem current = entry.getValue();
		CachedItem live = CachedItem.live(current, this.now, this.oldestLive);
		R answer = apply(live);
		if (current != null && live == null && !this.written) {
			// as memcached unlinks an expired item it meets
			entry.setValue(null);
		}
		this.entry = null;
		return answer;
	}

	/**
	 * Carries out the command.
	 * @param live the key's item, or {@code null} when it has none that is live
	 * @return the answer
	 */
	abstract R apply(@Nullable CachedItem live);

	/** Replaces the item; Hazelcast expires it when memcached would, so its memory comes back. */
	final void store(CachedItem item) {
		this.written = true;
		if (!item.isLive(this.now, this.oldestLive)) {
			this.entry.setValue(null);
			return;
		}
		if (this.entry instanceof ExtendedMapEntry<String, CachedItem> extended) {
			long ttlMillis = (item.expiresAt() == 0) ? 0
					: Math.max(1, item.expiresAt() * 1000 - System.currentTimeMillis());
			extended.setValue(item, ttlMillis, TimeUnit.MILLISECONDS);
		}
		else {
			this.entry.setValue(item);
		}
	}

	final void remove() {
		this.written = true;
		this.entry.setValue(null);
	}

	/**
	 * The CAS unique of the next write: the fresh one, or one above the key's current unique if
	 * that is higher (flake ids of different members are not in order), so a key's uniques
	 * only grow, as memcached's do.
	 */
	final long nextCas() {
		CachedItem current = (this.entry != null) ? this.entry.getValue() : null;
		return (current != null && current.cas() >= this.newCas) ? current.cas() + 1 : this.newCas;
	}

	@Override
	public final void writeData(ObjectDataOutput out) throws IOException {
		out.writeLong(this.now);
		out.writeLong(this.oldestLive);
		out.writeLong(this.newCas);
		writeFields(out);
	}

	@Override
	public final void readData(ObjectDataInput in) throws IOException {
		this.now = in.readLong();
		this.oldestLive = in.readLong();
		this.newCas = in.readLong();
		readFields(in);
	}

	abstract void writeFields(ObjectDataOutput out) throws IOException;

	abstract void readFields(ObjectDataInput in) throws IOException;

}
