package io.github.memcachedserver.hazelcast;

import io.github.memcachedserver.handler.StoreResult;

/**
 * How a storage processor answers in one {@code long}: the stored item's CAS unique (always
 * positive), or a negative code for each way it can fail. Cheaper over the wire than an object.
 */
final class WriteOutcome {

	static final long NOT_STORED = -1;

	static final long EXISTS = -2;

	static final long NOT_FOUND = -3;

	private WriteOutcome() {
	}

	static StoreResult toStoreResult(long outcome) {
		if (outcome > 0) {
			return StoreResult.stored(outcome);
		}
		if (outcome == NOT_STORED) {
			return StoreResult.NOT_STORED;
		}
		return (outcome == EXISTS) ? StoreResult.EXISTS : StoreResult.NOT_FOUND;
	}

}
