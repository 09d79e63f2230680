package io.github.memcachedserver.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.handler.Arithmetic;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.handler.StoreStatistics;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The built-in store: a complete memcached in a concurrent hash table, used when the
 * application brings no handler of its own (the Perl original's
 * {@code Memcached::Server::Default}).
 * <p>
 * Reads take no lock. Every read-modify-write runs atomically under the table's lock for
 * its key, so concurrent {@code cas}, {@code incr} and {@code append} on one key are exact.
 * Items expire by memcached's rules, lazily when read and as a reclaim hand sweeping the
 * table meets them. Memory is counted as memcached counts it ({@link ItemSize}); past the
 * limit the least recently used items go first, approximated by the CLOCK algorithm (a
 * hand sweeps the table and evicts items not read since it last passed), which keeps
 * reads lock-free and costs nothing per item.
 *
 * @since 0.1.0
 */
public final class ConcurrentMapMemcachedStore implements MemcachedCommandHandler, StoreStatistics {

	/** memcached's default memory limit ({@code -m 64}). */
	public static final long DEFAULT_MEMORY_LIMIT = 64L * 1024 * 1024;

	/** memcached's default item size limit ({@code -I 1m}). */
	public static final int DEFAULT_MAX_ITEM_SIZE = 1024 * 1024;

	private static final String TOO_LARGE = "object too large for cache";

	private static final byte[] EMPTY = new byte[0];

	private final ItemTable items = new ItemTable();

	private final AtomicLong bytesUsed = new AtomicLong();

	private final AtomicLong casCounter = new AtomicLong();

	private final LongAdder totalItems = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	private final LongAdder reclaimed = new LongAdder();

	private final LongAdder expiredReads = new LongAdder();

	private final LongAdder flushedReads = new LongAdder();

	private final long memoryLimit;

	private final int maxItemSize;

	private final Clock wallClock;

	/** Items last written at or before this second are flushed once it has passed; 0 for none. */
	private volatile long oldestLive;

	/** Items with a CAS unique below this one are flushed; 0 for none. */
	private volatile long oldestCas;

	/**
	 * Creates a store with memcached's default limits.
	 */
	public ConcurrentMapMemcachedStore() {
		this(builder());
	}

	private ConcurrentMapMemcachedStore(Builder builder) {
		this.memoryLimit = builder.memoryLimit;
		this.maxItemSize = builder.maxItemSize;
		this.wallClock = builder.clock;
	}

	/**
	 * Starts configuring a store.
	 * @return a builder with memcached's defaults
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public Mono<Item> get(Session session, Key key) {
		long now = now();
		StoredItem item = readLive(key, now);
		if (item != null) {
			item.bump(now);
		}
		return (item != null) ? Mono.just(item.toItem()) : Mono.empty();
	}

	@Override
	public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
		long now = now();
		Map<Key, Item> found = new HashMap<>();
		for (Key key : keys) {
			StoredItem item = readLive(key, now);
			if (item != null) {
				item.bump(now);
				found.put(key, item.toItem());
			}
		}
		return Mono.just(found);
	}

	@Override
	public Mono<StoreResult> set(Session session, Key key, Entry entry) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(update(key, (live, now, result) -> stored(newItem(key, entry, now), result)));
	}

	@Override
	public Mono<StoreResult> add(Session session, Key key, Entry entry) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(update(key, (live, now, result) -> {
			if (live != null) {
				// memcached bumps the existing item on a failed add
				live.markRecentlyUsed();
				result.value = StoreResult.NOT_STORED;
				return live;
			}
			return stored(newItem(key, entry, now), result);
		}));
	}

	@Override
	public Mono<StoreResult> replace(Session session, Key key, Entry entry) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(update(key, (live, now, result) -> {
			if (live == null) {
				result.value = StoreResult.NOT_STORED;
				return null;
			}
			return stored(newItem(key, entry, now), result);
		}));
	}

	@Override
	public Mono<StoreResult> append(Session session, Key key, byte[] data) {
		return Mono.just(concatenate(key, data, true));
	}

	@Override
	public Mono<StoreResult> prepend(Session session, Key key, byte[] data) {
		return Mono.just(concatenate(key, data, false));
	}

	private StoreResult concatenate(Key key, byte[] data, boolean append) {
		return update(key, (live, now, result) -> {
			if (live == null || ItemSize.of(key.length(), (long) live.value.length + data.length, live.flags) > this.maxItemSize) {
				result.value = StoreResult.NOT_STORED;
				return live;
			}
			byte[] joined = append ? concat(live.value, data) : concat(data, live.value);
			this.totalItems.increment();
			return stored(live.withValue(joined, nextCas(), now), result);
		});
	}

	/** Notes that an item was stored, with its CAS unique, so no protocol reads it back. */
	private static StoredItem stored(StoredItem item, Outcome<StoreResult> result) {
		result.value = StoreResult.stored(item.cas);
		return item;
	}

	@Override
	public Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(update(key, (live, now, result) -> {
			if (live == null) {
				result.value = StoreResult.NOT_FOUND;
				return null;
			}
			if (live.cas != cas) {
				result.value = StoreResult.EXISTS;
				return live;
			}
			return stored(newItem(key, entry, now), result);
		}));
	}

	@Override
	public Mono<Boolean> delete(Session session, Key key) {
		return Mono.just(update(key, (live, now, result) -> {
			result.value = live != null;
			return null;
		}));
	}

	@Override
	public Mono<Long> increment(Session session, Key key, long delta) {
		return arithmetic(key, delta, true);
	}

	@Override
	public Mono<Long> decrement(Session session, Key key, long delta) {
		return arithmetic(key, delta, false);
	}

	private Mono<Long> arithmetic(Key key, long delta, boolean increment) {
		Long value = update(key, (live, now, result) -> {
			if (live == null) {
				return null;
			}
			long next = Arithmetic.apply(live.value, delta, increment);
			result.value = next;
			return rewriteNumber(live, next, nextCas(), now);
		});
		return (value != null) ? Mono.just(value) : Mono.empty();
	}

	@Override
	public Mono<Boolean> touch(Session session, Key key, long exptime) {
		return Mono.just(touched(key, exptime) != null);
	}

	@Override
	public Mono<Item> getAndTouch(Session session, Key key, long exptime) {
		StoredItem item = touched(key, exptime);
		return (item != null) ? Mono.just(item.toItem()) : Mono.empty();
	}

	private @Nullable StoredItem touched(Key key, long exptime) {
		return update(key, (live, now, result) -> {
			if (live == null) {
				return null;
			}
			StoredItem touched = live.withExpiry(Entry.expiresAtEpochSecond(exptime, now));
			touched.bump(now);
			result.value = touched;
			return touched;
		});
	}

	@Override
	public Mono<Void> flushAll(Session session, long delaySeconds) {
		long now = now();
		if (delaySeconds > 0) {
			// as memcached: items written up to the second before the deadline are invalidated
			this.oldestLive = Entry.expiresAtEpochSecond(delaySeconds, now) - 1;
		}
		else {
			this.oldestLive = now - 1;
			this.oldestCas = this.casCounter.get() + 1;
		}
		return Mono.empty();
	}

	@Override
	public Mono<MetaResult> meta(Session session, MetaCommand command) {
		Key key = command.key();
		MetaFlags flags = command.flags();
		MetaResult result = switch (command.code()) {
			case 'g' -> metaGet(key, flags);
			case 's' -> metaSet(key, flags, command.value());
			case 'd' -> metaDelete(key, flags);
			case 'a' -> metaArithmetic(key, flags);
			default -> metaDebug(key);
		};
		return Mono.just(result);
	}

	private MetaResult metaGet(Key key, MetaFlags flags) {
		if (flags.vivifyTtl() == null && flags.ttl() == null && flags.recacheThreshold() == null) {
			// a plain read needs no lock, unless the item is stale and may hand out a recache win
			long now = now();
			StoredItem item = readLive(key, now);
			if (item == null) {
				return MetaResult.of(MetaResult.Status.MISS);
			}
			if (!item.stale()) {
				boolean fetchedBefore = item.fetched();
				long sinceAccess = now - item.lastAccess();
				if (!flags.noBump()) {
					item.bump(now);
				}
				return new MetaResult(MetaResult.Status.HIT, item.value, item.flags, item.cas, item.ttl(now),
						sinceAccess, fetchedBefore, false, false, item.tokenSent(), item.size(), item.binaryKey());
			}
		}
		return update(key, (live, now, outcome) -> {
			StoredItem item = live;
			boolean created = false;
			if (item == null) {
				if (flags.vivifyTtl() == null) {
					outcome.value = MetaResult.of(MetaResult.Status.MISS);
					return null;
				}
				// a stub whose creator wins the right to fill it (anti-dogpiling); its expiry comes with N below
				item = new StoredItem(key, EMPTY, 0, 0, casFor(flags), now);
				this.totalItems.increment();
				created = true;
			}
			boolean fetchedBefore = item.fetched();
			long sinceAccess = now - item.lastAccess();
			ExpiryInRequestOrder expiry = new ExpiryInRequestOrder(flags, item.expiresAt(), created, now);
			if (expiry.expiresAt != item.expiresAt()) {
				item = item.withExpiry(expiry.expiresAt);
			}
			boolean tokenSentBefore = item.tokenSent();
			boolean won = created;
			if (flags.recacheThreshold() != null && !tokenSentBefore && !created && expiry.expiresAtForRecache != 0
					&& expiry.expiresAtForRecache < Entry.expiresAtEpochSecond(flags.recacheThreshold(), now)) {
				won = true;
			}
			if (item.stale() && !tokenSentBefore) {
				won = true;
			}
			if (won) {
				item.markTokenSent();
			}
			if (!flags.noBump()) {
				item.bump(now);
			}
			outcome.value = new MetaResult(MetaResult.Status.HIT, item.value, item.flags, item.cas, expiry.ttlShown(now),
					sinceAccess,
					fetchedBefore, won, item.stale(), tokenSentBefore && !created, item.size(), item.binaryKey());
			return item;
		});
	}

	private MetaResult metaSet(Key key, MetaFlags flags, byte[] value) {
		char mode = (flags.mode() == 0) ? 'S' : flags.mode();
		Long compareCas = flags.compareCas();
		boolean casMode = compareCas != null && (mode == 'S' || mode == 'R');
		long requestCas = (compareCas != null) ? compareCas : 0;
		return update(key, (live, now, outcome) -> {
			long ttl = (flags.ttl() != null) ? flags.ttl() : 0;
			StoredItem fresh = new StoredItem(key, value, (int) flags.clientFlags(), Entry.expiresAtEpochSecond(ttl, now),
					0, now);
			StoredItem next;
			if (live == null) {
				next = switch (mode) {
					case 'E' -> fresh;
					case 'S' -> casMode ? null : fresh;
					// append with N creates the item from its data (protocol.txt, "Meta Set")
					case 'A', 'P' -> (flags.vivifyTtl() != null) ? new StoredItem(key, value, (int) flags.clientFlags(),
							Entry.expiresAtEpochSecond(flags.vivifyTtl(), now), 0, now) : null;
					default -> null;
				};
				if (next == null) {
					outcome.value = MetaResult.of(casMode ? MetaResult.Status.NOT_FOUND : MetaResult.Status.NOT_STORED);
					return null;
				}
			}
			else {
				boolean casMatch = requestCas != 0 && requestCas == live.cas;
				boolean casStale = requestCas != 0 && !casMatch && flags.invalidate() && requestCas < live.cas;
				if (mode == 'E') {
					// as the classic add: the item moves up in the LRU, but it has not been read
					live.markRecentlyUsed();
					outcome.value = MetaResult.of(MetaResult.Status.NOT_STORED);
					return live;
				}
				if (casMode && !casMatch && !casStale) {
					outcome.value = MetaResult.of(MetaResult.Status.EXISTS);
					return live;
				}
				if ((mode == 'A' || mode == 'P') && requestCas != 0 && !casMatch) {
					outcome.value = MetaResult.of(MetaResult.Status.EXISTS);
					return live;
				}
				if (mode == 'A' || mode == 'P') {
					if (ItemSize.of(key.length(), (long) live.value.length + value.length, live.flags) > this.maxItemSize) {
						outcome.value = MetaResult.of(MetaResult.Status.NOT_STORED);
						return live;
					}
					byte[] joined = (mode == 'A') ? concat(live.value, value) : concat(value, live.value);
					next = new StoredItem(key, joined, live.flags, live.expiresAt(), 0, now);
				}
				else if (casStale) {
					// an older CAS with I: the value is kept but marked stale, with the old expiry
					next = new StoredItem(key, value, (int) flags.clientFlags(), live.expiresAt(), 0, now, true);
					if (live.tokenSent()) {
						next.markTokenSent();
					}
				}
				else {
					next = fresh;
				}
			}
			// append and prepend keep the item's own key encoding
			boolean binaryKey = (live != null && (mode == 'A' || mode == 'P')) ? live.binaryKey() : flags.base64Key();
			StoredItem stored = new StoredItem(key, next.value, next.flags, next.expiresAt(), casFor(flags), now,
					next.stale()).withBinaryKey(binaryKey);
			if (next.tokenSent()) {
				stored.markTokenSent();
			}
			this.totalItems.increment();
			outcome.value = new MetaResult(MetaResult.Status.HIT, stored.value, stored.flags, stored.cas,
					stored.ttl(now), 0, false, false, stored.stale(), false, stored.size(), stored.binaryKey());
			return stored;
		});
	}

	private MetaResult metaDelete(Key key, MetaFlags flags) {
		return update(key, (live, now, outcome) -> {
			if (live == null) {
				outcome.value = MetaResult.of(MetaResult.Status.NOT_FOUND);
				return null;
			}
			if (flags.compareCas() != null && live.cas != flags.compareCas()) {
				outcome.value = MetaResult.of(MetaResult.Status.EXISTS);
				return live;
			}
			outcome.value = MetaResult.of(MetaResult.Status.HIT);
			if (!flags.invalidate() && !flags.removeValue()) {
				return null;
			}
			long expiresAt = (flags.invalidate() && flags.ttl() != null)
					? Entry.expiresAtEpochSecond(flags.ttl(), now) : live.expiresAt();
			byte[] value = flags.removeValue() ? EMPTY : live.value;
			// invalidation keeps the item in place, stale, with a new CAS unique so the next reader can win
			return live.changedInPlace(value, expiresAt, flags.invalidate() ? casFor(flags) : live.cas,
					flags.invalidate() || live.stale());
		});
	}

	private MetaResult metaArithmetic(Key key, MetaFlags flags) {
		boolean increment = flags.mode() != 'D' && flags.mode() != '-';
		return update(key, (live, now, outcome) -> {
			if (live == null) {
				if (flags.vivifyTtl() == null) {
					outcome.value = MetaResult.of(MetaResult.Status.NOT_FOUND);
					return null;
				}
				byte[] initial = Long.toUnsignedString(flags.initial()).getBytes(StandardCharsets.US_ASCII);
				ExpiryInRequestOrder expiry = new ExpiryInRequestOrder(flags, 0, true, now);
				StoredItem created = new StoredItem(key, initial, 0, expiry.expiresAt, casFor(flags), now);
				this.totalItems.increment();
				outcome.value = numberResult(MetaResult.Status.CREATED, created, initial, expiry.ttlShown(now));
				return created;
			}
			Arithmetic.checkNotEmpty(live.value);
			if (flags.compareCas() != null && live.cas != flags.compareCas()) {
				outcome.value = MetaResult.of(MetaResult.Status.EXISTS);
				return live;
			}
			long number = Arithmetic.apply(live.value, flags.delta(), increment);
			StoredItem next = rewriteNumber(live, number, casFor(flags), now);
			ExpiryInRequestOrder expiry = new ExpiryInRequestOrder(flags, next.expiresAt(), false, now);
			if (expiry.expiresAt != next.expiresAt()) {
				next = next.withExpiry(expiry.expiresAt);
			}
			outcome.value = numberResult(MetaResult.Status.HIT, next,
					Long.toUnsignedString(number).getBytes(StandardCharsets.US_ASCII),
					expiry.ttlShown(now));
			return next;
		});
	}

	private static MetaResult numberResult(MetaResult.Status status, StoredItem item, byte[] digits, long ttl) {
		return new MetaResult(status, digits, item.flags, item.cas, ttl, 0, false, false, false, false,
				item.size(), item.binaryKey());
	}

	private MetaResult metaDebug(Key key) {
		long now = now();
		StoredItem item = this.items.get(key.unsafeBytes(), key.hashCode());
		if (item == null || !isLive(item, now)) {
			return MetaResult.of(MetaResult.Status.MISS);
		}
		return new MetaResult(MetaResult.Status.HIT, null, item.flags, item.cas, item.ttl(now), now - item.lastAccess(),
				item.fetched(), false, item.stale(), item.tokenSent(), item.size(), item.binaryKey());
	}

	private long casFor(MetaFlags flags) {
		return (flags.newCas() != null) ? flags.newCas() : nextCas();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] joined = new byte[first.length + second.length];
		System.arraycopy(first, 0, joined, 0, first.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

	@Override
	public StoreStatistics storeStatistics() {
		return this;
	}

	private long now() {
		return this.wallClock.millis() / 1000;
	}

	private long nextCas() {
		return this.casCounter.incrementAndGet();
	}

	/**
	 * memcached rewrites a number that fits in place and links a new item otherwise, which
	 * starts unread (not fetched, accessed now).
	 */
	private StoredItem rewriteNumber(StoredItem live, long number, long cas, long now) {
		byte[] digits = Arithmetic.format(number, live.value.length);
		if (digits.length > live.value.length) {
			this.totalItems.increment();
			return live.withValue(digits, cas, now);
		}
		return live.rewritten(digits, cas);
	}

	private StoredItem newItem(Key key, Entry entry, long now) {
		this.totalItems.increment();
		return new StoredItem(key, entry.value(), entry.flags(), Entry.expiresAtEpochSecond(entry.exptime(), now),
				nextCas(), now);
	}

	private void checkSize(Key key, int valueLength, int flags) {
		if (ItemSize.of(key.length(), valueLength, flags) > this.maxItemSize) {
			throw new CommandFailedException(TOO_LARGE);
		}
	}

	private boolean isLive(StoredItem item, long now) {
		return !item.isExpired(now) && !isFlushed(item, now);
	}

	private boolean isFlushed(StoredItem item, long now) {
		long oldestLive = this.oldestLive;
		return (oldestLive != 0 && oldestLive <= now && item.storedAt() <= oldestLive) || item.cas < this.oldestCas;
	}

	private @Nullable StoredItem readLive(Key key, long now) {
		StoredItem item = this.items.get(key.unsafeBytes(), key.hashCode());
		if (item == null) {
			return null;
		}
		if (item.isExpired(now)) {
			this.expiredReads.increment();
			unlink(item, key);
			return null;
		}
		if (isFlushed(item, now)) {
			this.flushedReads.increment();
			unlink(item, key);
			return null;
		}
		return item;
	}

	private void unlink(StoredItem item, Key key) {
		if (this.items.remove(item, key.hashCode())) {
			this.bytesUsed.addAndGet(-item.size());
		}
	}

	/**
	 * Runs a read-modify-write on one key under the table's lock for that key. The update sees
	 * the live item (an expired or flushed one counts as absent) and returns the item to
	 * keep, or {@code null} to remove the key.
	 */
	private <R> R update(Key key, ItemUpdate<R> update) {
		long now = now();
		Outcome<R> outcome = new Outcome<>();
		this.items.compute(key.unsafeBytes(), key.hashCode(), (current) -> {
			StoredItem live = (current != null && isLive(current, now)) ? current : null;
			StoredItem next = update.apply(live, now, outcome);
			outcome.previous = current;
			outcome.next = next;
			return next;
		});
		if (outcome.next != outcome.previous) {
			long previousSize = (outcome.previous != null) ? outcome.previous.size() : 0;
			long nextSize = (outcome.next != null) ? outcome.next.size() : 0;
			this.bytesUsed.addAndGet(nextSize - previousSize);
		}
		reclaimExpired(now);
		evictWhileOverLimit(now);
		return outcome.value;
	}

	/** CLOCK: the hand passes over recently used items once (clearing the bit) and evicts the others. */
	private void evictWhileOverLimit(long now) {
		while (this.bytesUsed.get() > this.memoryLimit && this.items.size() > 0) {
			StoredItem gone = this.items.advanceEvictionHand((item) -> !isLive(item, now) || !item.takeSecondChance());
			if (gone != null) {
				this.bytesUsed.addAndGet(-gone.size());
				(isLive(gone, now) ? this.evictions : this.reclaimed).increment();
			}
		}
	}

	/** Removes an expired or flushed item, if the reclaim hand meets one, as each write passes by. */
	private void reclaimExpired(long now) {
		StoredItem gone = this.items.advanceReclaimHand((item) -> !isLive(item, now));
		if (gone != null) {
			this.bytesUsed.addAndGet(-gone.size());
			this.reclaimed.increment();
		}
	}

	@Override
	public long memoryLimit() {
		return this.memoryLimit;
	}

	@Override
	public long bytesUsed() {
		return this.bytesUsed.get();
	}

	@Override
	public long itemCount() {
		return this.items.size();
	}

	@Override
	public long totalItems() {
		return this.totalItems.sum();
	}

	@Override
	public long evictions() {
		return this.evictions.sum();
	}

	@Override
	public long reclaimed() {
		return this.reclaimed.sum();
	}

	@Override
	public long expiredReads() {
		return this.expiredReads.sum();
	}

	@Override
	public long flushedReads() {
		return this.flushedReads.sum();
	}

	@Override
	public int maxItemSize() {
		return this.maxItemSize;
	}

	@Override
	public void resetStatistics() {
		this.totalItems.reset();
		this.evictions.reset();
		this.reclaimed.reset();
		this.expiredReads.reset();
		this.flushedReads.reset();
	}

	@FunctionalInterface
	private interface ItemUpdate<R> {

		@Nullable StoredItem apply(@Nullable StoredItem live, long now, Outcome<R> outcome);

	}

	private static final class Outcome<R> {

		R value;

		StoredItem previous;

		StoredItem next;

	}

	/**
	 * Configures a {@link ConcurrentMapMemcachedStore}.
	 */
	public static final class Builder {

		private long memoryLimit = DEFAULT_MEMORY_LIMIT;

		private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * Sets the memory limit, like {@code memcached -m}.
		 * @param bytes the limit in bytes
		 * @return this builder
		 */
		public Builder memoryLimit(long bytes) {
			if (bytes <= 0) {
				throw new IllegalArgumentException("'memoryLimit' must be positive");
			}
			this.memoryLimit = bytes;
			return this;
		}

		/**
		 * Sets the largest item accepted, like {@code memcached -I}.
		 * @param bytes the size in bytes, counted as {@link ItemSize} does
		 * @return this builder
		 */
		public Builder maxItemSize(int bytes) {
			if (bytes < 1024) {
				throw new IllegalArgumentException("'maxItemSize' must be at least 1024 bytes");
			}
			this.maxItemSize = bytes;
			return this;
		}

		/**
		 * Sets the clock that expiry is measured with (for tests).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Builds the store.
		 * @return the store
		 */
		public ConcurrentMapMemcachedStore build() {
			return new ConcurrentMapMemcachedStore(this);
		}

	}

}
