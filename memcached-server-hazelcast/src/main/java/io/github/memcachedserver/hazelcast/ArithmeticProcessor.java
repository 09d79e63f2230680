package io.github.memcachedserver.hazelcast;

import java.io.IOException;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.github.memcachedserver.handler.Arithmetic;
import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.MetaResult;
import org.jspecify.annotations.Nullable;

/**
 * {@code incr} and {@code decr} by memcached's rules ({@link Arithmetic}): the number is
 * rewritten in place, keeping the item's flags, expiry and write time. Answers as {@code ma}
 * does: a hit with the new value's digits, {@code NOT_FOUND} when there is no item, or the
 * {@code CLIENT_ERROR} of a value that is not a number.
 */
final class ArithmeticProcessor extends ItemProcessor<MetaOutcome> {

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
	MetaOutcome apply(@Nullable CachedItem live) {
		if (live == null) {
			return new MetaOutcome(MetaResult.of(MetaResult.Status.NOT_FOUND));
		}
		try {
			long value = Arithmetic.apply(live.value(), this.delta, this.increment);
			CachedItem next = rewritten(live, value, nextCas());
			store(next);
			return new MetaOutcome(MetaResult.of(MetaResult.Status.HIT).withValue(next.value()));
		}
		catch (ClientErrorException ex) {
			return MetaOutcome.clientError(ex);
		}
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
