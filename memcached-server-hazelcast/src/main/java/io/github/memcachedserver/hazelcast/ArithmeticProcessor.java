package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.github.memcachedserver.handler.Arithmetic;
import org.jspecify.annotations.Nullable;

/**
 * {@code incr} and {@code decr} by memcached's rules ({@link Arithmetic}): the number is
 * rewritten in place, keeping the item's flags, expiry and write time. Answers the new value,
 * or {@code null} when there is no item; a value that is not a number fails with
 * {@code CLIENT_ERROR}.
 */
final class ArithmeticProcessor extends ItemProcessor<Long> {

	private long delta;

	private boolean increment;

	/** For Hazelcast's deserialization. */
	ArithmeticProcessor() {
	}

	ArithmeticProcessor(long delta, boolean increment, long now, long oldestLive, long newCas) {
		super(now, oldestLive, newCas);
		this.delta = delta;
		this.increment = increment;
	}

	@Override
	@Nullable Long apply(@Nullable CachedItem live) {
		if (live == null) {
			return null;
		}
		long value = Arithmetic.apply(live.value(), this.delta, this.increment);
		store(rewritten(live, value, nextCas()));
		return value;
	}

	/** memcached rewrites a number in place: same flags, expiry, write time and state. */
	static CachedItem rewritten(CachedItem live, long value, long cas) {
		return new CachedItem(Arithmetic.format(value, live.value().length), live.flags(), cas, live.expiresAt(),
				live.storedAt(), live.state());
	}

	@Override
	void writeFields(ObjectDataOutput out) throws IOException {
		out.writeLong(this.delta);
		out.writeBoolean(this.increment);
	}

	@Override
	void readFields(ObjectDataInput in) throws IOException {
		this.delta = in.readLong();
		this.increment = in.readBoolean();
	}

}
