package io.github.memcachedserver.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.handler.Arithmetic;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MetaExpiry;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.handler.StoreStatistics;
import io.github.memcachedserver.internal.LendingStore;
import io.github.memcachedserver.internal.LentItem;
import io.github.memcachedserver.internal.LentMetaResult;
import io.github.memcachedserver.internal.ReceivingStore;
import io.github.memcachedserver.internal.StoreAccess;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The built-in store: a complete memcached in a concurrent hash table, used when the
 * application brings no handler of its own (the Perl original's
 * {@code Memcached::Server::Default}).
 * <p>
 * Items live outside the Java heap, in slab pages of direct memory ({@link SlabMemory}),
 * indexed by a table of primitive slots ({@link ItemTable}), so a store of millions of items
 * gives the garbage collector nothing to scan or copy. Every command runs atomically under
 * the table's lock for its key, so concurrent {@code cas}, {@code incr} and {@code append}
 * on one key are exact. Items expire by memcached's rules, lazily when read and as a
 * reclaim hand sweeping the table meets them. The memory limit bounds the pages; a size
 * class that needs room and may take no new page evicts its least recently used items,
 * approximated by the CLOCK algorithm (a hand sweeps the class's chunks and evicts items
 * not read since it last passed). The {@code bytes} statistic counts items as memcached
 * counts them ({@link ItemSize}).
 * <p>
 * The server's reads of this store send values straight from its memory: a value being
 * written to a client keeps its chunk until the write ends, whatever happens to the item
 * meanwhile. Reads through this class's methods (the handler SPI) copy the value into the
 * {@link Item}'s bytes. A value sent to the server arrives straight in the chunk of its item:
 * the server reserves the chunk when it reads the command line and copies each read of the
 * socket into it ({@link ReceivedValue}); a {@code set} then links that chunk.
 *
 * @since 0.1.0
 */
public final class ConcurrentMapMemcachedStore implements MemcachedCommandHandler, StoreStatistics {

	static {
		// the server reaches the store's own sides through the internal accessor, not this class's API
		StoreAccess.register((handler) -> (handler instanceof ConcurrentMapMemcachedStore store) ? store.lender : null,
				(handler) -> (handler instanceof ConcurrentMapMemcachedStore store) ? store.receiving : null);
	}

	/** memcached's default memory limit ({@code -m 64}). */
	public static final long DEFAULT_MEMORY_LIMIT = 64L * 1024 * 1024;

	/** memcached's default item size limit ({@code -I 1m}). */
	public static final int DEFAULT_MAX_ITEM_SIZE = 1024 * 1024;

	private static final String TOO_LARGE = "object too large for cache";

	private static final String OUT_OF_MEMORY = "out of memory storing object";

	/** How many writes pass between moves of the reclaim hand, and how many items it looks at then. */
	private static final int HAND_STRIDE = 8;

	/** A read as {@code get} does, copying the value. */
	private static final ItemRead<Item> FETCH_ITEM = fetching(StoredItem::toItem);

	/** A read as {@code get} does, lending the value. */
	private static final ItemRead<LentItem> FETCH_LENT = fetching(StoredItem::toLentItem);

	private final SlabMemory memory;

	private final LendingStore lender = new Lender();

	private final ItemTable items;

	/** Writes so far (wrapping): every {@value #HAND_STRIDE}th moves the reclaim hand. */
	private final AtomicInteger writes = new AtomicInteger();

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

	private final ReceivingStore receiving = new Receiving();

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
		this.memory = new SlabMemory(this.memoryLimit, this.maxItemSize);
		this.items = new ItemTable(this.memory);
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
		Item item = read(key, FETCH_ITEM);
		return (item != null) ? Mono.just(item) : Mono.empty();
	}

	@Override
	public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
		Map<Key, Item> found = new HashMap<>();
		for (Key key : keys) {
			Item item = read(key, FETCH_ITEM);
			if (item != null) {
				found.put(key, item);
			}
		}
		return Mono.just(found);
	}

	@Override
	public Mono<StoreResult> set(Session session, Key key, Entry entry) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(set(key, new NewValue.Bytes(entry.value()), entry.flags(), entry.exptime()));
	}

	private StoreResult set(Key key, NewValue value, int flags, long exptime) {
		return update(key, (live, now, result) -> stored(newItem(key, value, flags, exptime, now), result));
	}

	@Override
	public Mono<StoreResult> add(Session session, Key key, Entry entry) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(add(key, new NewValue.Bytes(entry.value()), entry.flags(), entry.exptime()));
	}

	private StoreResult add(Key key, NewValue value, int flags, long exptime) {
		return update(key, (live, now, result) -> {
			if (live != null) {
				// memcached bumps the existing item on a failed add
				live.markRecentlyUsed();
				result.value = StoreResult.NOT_STORED;
				return live;
			}
			return stored(newItem(key, value, flags, exptime, now), result);
		});
	}

	@Override
	public Mono<StoreResult> replace(Session session, Key key, Entry entry) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(replace(key, new NewValue.Bytes(entry.value()), entry.flags(), entry.exptime()));
	}

	private StoreResult replace(Key key, NewValue value, int flags, long exptime) {
		return update(key, (live, now, result) -> {
			if (live == null) {
				result.value = StoreResult.NOT_STORED;
				return null;
			}
			return stored(newItem(key, value, flags, exptime, now), result);
		});
	}

	@Override
	public Mono<StoreResult> append(Session session, Key key, byte[] data) {
		return Mono.just(concatenate(key, new NewValue.Bytes(data), true));
	}

	@Override
	public Mono<StoreResult> prepend(Session session, Key key, byte[] data) {
		return Mono.just(concatenate(key, new NewValue.Bytes(data), false));
	}

	private StoreResult concatenate(Key key, NewValue data, boolean append) {
		return update(key, (live, now, result) -> {
			if (live == null || !fitsJoined(key, live, data)) {
				result.value = StoreResult.NOT_STORED;
				return live;
			}
			StoredItem joined = joined(key, live, data, append, live.flags(), nextCas(), now);
			this.totalItems.increment();
			return stored(joined, result);
		});
	}

	private boolean fitsJoined(Key key, StoredItem live, NewValue data) {
		return ItemSize.of(key.length(), (long) live.valueLength() + data.length(), live.flags()) <= this.maxItemSize;
	}

	/** A new item holding the live item's value with the data appended or prepended. */
	private StoredItem joined(Key key, StoredItem live, NewValue data, boolean append, int flags, long cas, long now) {
		StoredItem joined = allocate(key, live.valueLength() + data.length(), flags, live.expiresAt(), cas, now);
		joined.writeValue(append ? 0 : data.length(), live);
		data.copyTo(joined, append ? live.valueLength() : 0);
		return joined;
	}

	/** Notes that an item was stored, with its CAS unique, so no protocol reads it back. */
	private static StoredItem stored(StoredItem item, Outcome<StoreResult> result) {
		result.value = StoreResult.stored(item.cas());
		return item;
	}

	@Override
	public Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
		checkSize(key, entry.value().length, entry.flags());
		return Mono.just(cas(key, new NewValue.Bytes(entry.value()), entry.flags(), entry.exptime(), cas));
	}

	private StoreResult cas(Key key, NewValue value, int flags, long exptime, long cas) {
		return update(key, (live, now, result) -> {
			if (live == null) {
				result.value = StoreResult.NOT_FOUND;
				return null;
			}
			if (live.cas() != cas) {
				result.value = StoreResult.EXISTS;
				return live;
			}
			return stored(newItem(key, value, flags, exptime, now), result);
		});
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
			long next = Arithmetic.apply(live.value(), delta, increment);
			result.value = next;
			return rewriteNumber(key, live, next, nextCas(), now);
		});
		return (value != null) ? Mono.just(value) : Mono.empty();
	}

	@Override
	public Mono<Boolean> touch(Session session, Key key, long exptime) {
		return Mono.just(update(key, (live, now, result) -> {
			result.value = touched(live, exptime, now) != null;
			return live;
		}));
	}

	/** A read as {@code get} does: a hit is a use of the item, {@code take} makes the answer. */
	private static <R> ItemRead<R> fetching(Function<StoredItem, R> take) {
		return (live, now) -> {
			live.bump(now);
			return take.apply(live);
		};
	}

	@Override
	public Mono<Item> getAndTouch(Session session, Key key, long exptime) {
		Item item = fetchTouched(key, exptime, StoredItem::toItem);
		return (item != null) ? Mono.just(item) : Mono.empty();
	}

	/** Reads a key and sets its expiry, as {@code gat} does. */
	private <R> @Nullable R fetchTouched(Key key, long exptime, Function<StoredItem, R> take) {
		return update(key, (live, now, result) -> {
			result.value = (touched(live, exptime, now) != null) ? take.apply(live) : null;
			return live;
		});
	}

	/** Changes the expiry in place, as memcached does, and counts it as a read. */
	private static @Nullable StoredItem touched(@Nullable StoredItem live, long exptime, long now) {
		if (live != null) {
			live.setExpiresAt(Entry.expiresAtEpochSecond(exptime, now));
			live.bump(now);
		}
		return live;
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
			case 'g' -> metaGet(key, flags, (hit, item) -> hit.withValue(item.value()),
					MetaResult.of(MetaResult.Status.MISS));
			case 's' -> metaSet(key, flags, new NewValue.Bytes(command.value()));
			case 'd' -> metaDelete(key, flags);
			case 'a' -> metaArithmetic(key, flags);
			default -> metaDebug(key);
		};
		return Mono.just(result);
	}

	/**
	 * Carries out an {@code mg}; {@code withValue} completes a hit with the item's value,
	 * copied or lent, under the lock for the key.
	 */
	private <R> R metaGet(Key key, MetaFlags flags, BiFunction<MetaResult, StoredItem, R> withValue, R miss) {
		if (flags.vivifyTtl() == null && flags.ttl() == null && flags.recacheThreshold() == null) {
			// a plain read, counted as get counts it when it finds an expired or flushed item
			R hit = read(key, (live, now) -> withValue.apply(metaHit(live, flags, now, false), live));
			return (hit != null) ? hit : miss;
		}
		return update(key, (live, now, outcome) -> {
			StoredItem item = live;
			boolean created = false;
			if (item == null) {
				if (flags.vivifyTtl() == null) {
					outcome.value = miss;
					return null;
				}
				// a stub whose creator wins the right to fill it (anti-dogpiling); its expiry comes with N below
				item = allocate(key, 0, 0, 0, casFor(flags), now);
				this.totalItems.increment();
				created = true;
			}
			outcome.value = withValue.apply(metaHit(item, flags, now, created), item);
			return item;
		});
	}

	/** What {@code mg} finds (all but the value), after applying its flags to the item in request order. */
	private static MetaResult metaHit(StoredItem item, MetaFlags flags, long now, boolean created) {
		boolean fetchedBefore = item.fetched();
		long sinceAccess = now - item.lastAccess();
		MetaExpiry expiry = MetaExpiry.of(flags, item.expiresAt(), created, now);
		item.setExpiresAt(expiry.expiresAt());
		boolean tokenSentBefore = item.tokenSent();
		boolean won = created;
		if (flags.recacheThreshold() != null && !tokenSentBefore && !created && expiry.expiresAtForRecache() != 0
				&& expiry.expiresAtForRecache() < Entry.expiresAtEpochSecond(flags.recacheThreshold(), now)) {
			won = true;
		}
		if (item.stale() && !tokenSentBefore) {
			won = true;
		}
		// memcached refuses an opaque too long while it answers: it then hands out no token, and
		// a read that locked the item (T, N, R, h, l) leaves it unbumped
		boolean refused = flags.opaqueTooLong();
		if (won && !refused) {
			item.markTokenSent();
		}
		boolean locked = flags.ttl() != null || flags.vivifyTtl() != null || flags.recacheThreshold() != null
				|| flags.has('h') || flags.has('l');
		if (!flags.noBump() && !(refused && locked)) {
			item.bump(now);
		}
		return new MetaResult(MetaResult.Status.HIT, null, item.flags(), item.cas(), expiry.ttlShown(now),
				sinceAccess, fetchedBefore, won, item.stale(), tokenSentBefore && !created, item.size(),
				item.binaryKey());
	}

	private MetaResult metaSet(Key key, MetaFlags flags, NewValue value) {
		char mode = (flags.mode() == 0) ? 'S' : flags.mode();
		boolean concatenates = mode == 'A' || mode == 'P';
		Long compareCas = flags.compareCas();
		boolean casMode = compareCas != null && (mode == 'S' || mode == 'R');
		long requestCas = (compareCas != null) ? compareCas : 0;
		int clientFlags = (int) flags.clientFlags();
		return update(key, (live, now, outcome) -> {
			long ttl = (flags.ttl() != null) ? flags.ttl() : 0;
			StoredItem stored;
			if (live == null) {
				boolean creates = switch (mode) {
					case 'E' -> true;
					case 'S' -> !casMode;
					// append with N creates the item from its data (protocol.txt, "Meta Set")
					case 'A', 'P' -> flags.vivifyTtl() != null;
					default -> false;
				};
				if (!creates) {
					outcome.value = MetaResult.of(casMode ? MetaResult.Status.NOT_FOUND : MetaResult.Status.NOT_STORED);
					return null;
				}
				long expiresAt = Entry.expiresAtEpochSecond(concatenates ? flags.vivifyTtl() : ttl, now);
				stored = newItem(key, value, clientFlags, expiresAt, casFor(flags), now);
				stored.markBinaryKey(flags.base64Key());
			}
			else {
				boolean casMatch = requestCas != 0 && requestCas == live.cas();
				boolean casStale = requestCas != 0 && !casMatch && flags.invalidate() && requestCas < live.cas();
				if (mode == 'E') {
					// as the classic add: the item moves up in the LRU, but it has not been read
					live.markRecentlyUsed();
					outcome.value = MetaResult.of(MetaResult.Status.NOT_STORED);
					return live;
				}
				if ((casMode && !casMatch && !casStale) || (concatenates && requestCas != 0 && !casMatch)) {
					outcome.value = MetaResult.of(MetaResult.Status.EXISTS);
					return live;
				}
				if (concatenates) {
					if (!fitsJoined(key, live, value)) {
						outcome.value = MetaResult.of(MetaResult.Status.NOT_STORED);
						return live;
					}
					// append and prepend keep the item's own key encoding
					stored = joined(key, live, value, mode == 'A', live.flags(), casFor(flags), now);
					stored.markBinaryKey(live.binaryKey());
				}
				else {
					// an older CAS with I: the value is kept but marked stale, with the old expiry
					long expiresAt = casStale ? live.expiresAt() : Entry.expiresAtEpochSecond(ttl, now);
					stored = newItem(key, value, clientFlags, expiresAt, casFor(flags), now);
					stored.markBinaryKey(flags.base64Key());
					if (casStale) {
						stored.markStale();
						if (live.tokenSent()) {
							stored.markTokenSent();
						}
					}
				}
			}
			this.totalItems.increment();
			// the answer reports the stored value's length (s): the request's value, unless joined; a
			// value that arrived in the store's memory is not asked for it (the decoder sees to it)
			byte[] reported = (value instanceof NewValue.Bytes bytes)
					? ((concatenates && live != null) ? stored.value() : bytes.bytes()) : null;
			outcome.value = new MetaResult(MetaResult.Status.HIT, reported, stored.flags(), stored.cas(), stored.ttl(now),
					0, false, false, stored.stale(), false, stored.size(), stored.binaryKey());
			return stored;
		});
	}

	private MetaResult metaDelete(Key key, MetaFlags flags) {
		return update(key, (live, now, outcome) -> {
			if (live == null) {
				outcome.value = MetaResult.of(MetaResult.Status.NOT_FOUND);
				return null;
			}
			if (flags.compareCas() != null && live.cas() != flags.compareCas()) {
				outcome.value = MetaResult.of(MetaResult.Status.EXISTS);
				return live;
			}
			outcome.value = MetaResult.of(MetaResult.Status.HIT);
			if (!flags.invalidate() && !flags.removeValue()) {
				return null;
			}
			// changed in place as memcached does: what it records about reads stays, the recache token goes
			if (flags.invalidate() && flags.ttl() != null) {
				live.setExpiresAt(Entry.expiresAtEpochSecond(flags.ttl(), now));
			}
			if (flags.removeValue()) {
				live.clearValue();
			}
			if (flags.invalidate()) {
				// invalidation keeps the item, stale, with a new CAS unique so the next reader can win
				live.setCas(casFor(flags));
				live.markStale();
			}
			live.dropToken();
			return live;
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
				MetaExpiry expiry = MetaExpiry.of(flags, 0, true, now);
				StoredItem created = allocate(key, initial.length, 0, expiry.expiresAt(), casFor(flags), now);
				created.writeValue(0, initial);
				this.totalItems.increment();
				outcome.value = numberResult(MetaResult.Status.CREATED, created, initial, expiry.ttlShown(now));
				return created;
			}
			byte[] current = live.value();
			Arithmetic.checkNotEmpty(current);
			if (flags.compareCas() != null && live.cas() != flags.compareCas()) {
				outcome.value = MetaResult.of(MetaResult.Status.EXISTS);
				return live;
			}
			long number = Arithmetic.apply(current, flags.delta(), increment);
			StoredItem next = rewriteNumber(key, live, number, casFor(flags), now);
			MetaExpiry expiry = MetaExpiry.of(flags, next.expiresAt(), false, now);
			next.setExpiresAt(expiry.expiresAt());
			outcome.value = numberResult(MetaResult.Status.HIT, next,
					Long.toUnsignedString(number).getBytes(StandardCharsets.US_ASCII), expiry.ttlShown(now));
			return next;
		});
	}

	private static MetaResult numberResult(MetaResult.Status status, StoredItem item, byte[] digits, long ttl) {
		return new MetaResult(status, digits, item.flags(), item.cas(), ttl, 0, false, false, false, false,
				item.size(), item.binaryKey());
	}

	private MetaResult metaDebug(Key key) {
		MetaResult result = update(key, (live, now, outcome) -> {
			if (live != null) {
				outcome.value = new MetaResult(MetaResult.Status.HIT, null, live.flags(), live.cas(), live.ttl(now),
						now - live.lastAccess(), live.fetched(), false, live.stale(), live.tokenSent(), live.size(),
						live.binaryKey());
			}
			return live;
		});
		return (result != null) ? result : MetaResult.of(MetaResult.Status.MISS);
	}

	private long casFor(MetaFlags flags) {
		return (flags.newCas() != null) ? flags.newCas() : nextCas();
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
	 * starts unread (not fetched, accessed now). Both take a new chunk here, so that an answer
	 * still sending the old value keeps it intact.
	 */
	private StoredItem rewriteNumber(Key key, StoredItem live, long number, long cas, long now) {
		byte[] digits = Arithmetic.format(number, live.valueLength());
		StoredItem rewritten = allocate(key, digits.length, live.flags(), live.expiresAt(), cas, now);
		rewritten.writeValue(0, digits);
		if (digits.length > live.valueLength()) {
			this.totalItems.increment();
			return rewritten;
		}
		rewritten.keepStateOf(live);
		return rewritten;
	}

	/** The item of a classic storage command: counted, with a new CAS unique. */
	private StoredItem newItem(Key key, NewValue value, int flags, long exptime, long now) {
		this.totalItems.increment();
		return newItem(key, value, flags, Entry.expiresAtEpochSecond(exptime, now), nextCas(), now);
	}

	/**
	 * The item holding a new value: the chunk it arrived in, or a new chunk it is copied to.
	 * A received value's flags are its chunk's, the ones given here.
	 */
	private StoredItem newItem(Key key, NewValue value, int flags, long expiresAt, long cas, long now) {
		if (value instanceof ReceivedValue received) {
			return received.storeAs(expiresAt, cas, now);
		}
		StoredItem item = allocate(key, value.length(), flags, expiresAt, cas, now);
		value.copyTo(item, 0);
		return item;
	}

	/** Takes memory for a new item (evicting if need be) and writes its header and key. */
	private StoredItem allocate(Key key, int valueLength, int flags, long expiresAt, long cas, long now) {
		checkSize(key, valueLength, flags);
		StoredItem item = tryAllocate(key, valueLength, flags, expiresAt, cas, now);
		if (item == null) {
			throw new CommandFailedException(OUT_OF_MEMORY);
		}
		return item;
	}

	private @Nullable StoredItem tryAllocate(Key key, int valueLength, int flags, long expiresAt, long cas, long now) {
		long address = this.memory.allocate(StoredItem.chunkSize(key.length(), valueLength, flags), this::evict);
		return (address != 0) ? StoredItem.create(this.memory, address, key.unsafeBytes(), key.hashCode(), valueLength,
				flags, expiresAt, cas, now) : null;
	}

	/**
	 * The eviction clock's judge, asked by the memory for the item under its hand: an expired
	 * or flushed item goes, a recently used one gets another chance unless its page is
	 * needed, and one that an answer in flight still reads stays (its memory would not be
	 * freed).
	 */
	private boolean evict(long address, boolean force) {
		long now = now();
		StoredItem item = new StoredItem(this.memory, address);
		boolean removed = this.items.removeIfUnlocked(address, item.hash(), (candidate) -> !this.memory.isShared(candidate)
				&& (force || !isLive(item, now) || !item.takeSecondChance()));
		if (!removed) {
			return false;
		}
		this.bytesUsed.addAndGet(-item.size());
		(isLive(item, now) ? this.evictions : this.reclaimed).increment();
		this.memory.release(address);
		return true;
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
		return (oldestLive != 0 && oldestLive <= now && item.storedAt() <= oldestLive) || item.cas() < this.oldestCas;
	}

	/**
	 * Reads a live item under the lock for its key; an expired or flushed one is unlinked and
	 * counted as memcached counts such reads.
	 */
	private <R> @Nullable R read(Key key, ItemRead<R> reader) {
		Reading<R> reading = new Reading<>(now(), reader);
		releaseUnlinked(this.items.compute(key.unsafeBytes(), key.hashCode(), reading), reading);
		return reading.value;
	}

	/** Gives back the item a key mapped to before, if it maps to another one (or none) now. */
	private void releaseUnlinked(long previous, Outcome<?> outcome) {
		if (previous != 0 && previous != outcome.next) {
			this.memory.release(previous);
		}
	}

	/**
	 * Runs a read-modify-write on one key under the table's lock for that key. The update sees
	 * the live item (an expired or flushed one counts as absent) and returns the item to
	 * keep (the same one, maybe changed in place, or a new one), or {@code null} to remove
	 * the key. The replaced item's memory is released once the last answer reading it is
	 * written.
	 */
	private <R> R update(Key key, ItemUpdate<R> update) {
		long now = now();
		Updating<R> updating = new Updating<>(now, update);
		releaseUnlinked(this.items.compute(key.unsafeBytes(), key.hashCode(), updating), updating);
		reclaimExpired(now);
		return updating.value;
	}

	/**
	 * Removes expired and flushed items the reclaim hand meets as writes pass by: every
	 * {@value #HAND_STRIDE}th write moves it over as many items, the pace of one item per write
	 * at a fraction of the cost (one lock, and cache misses that overlap).
	 */
	private void reclaimExpired(long now) {
		if ((this.writes.getAndIncrement() & (HAND_STRIDE - 1)) == 0) {
			this.items.advanceReclaimHand(HAND_STRIDE, (address) -> !isLive(new StoredItem(this.memory, address), now),
					this::reclaimed);
		}
	}

	private void reclaimed(long address) {
		this.bytesUsed.addAndGet(-new StoredItem(this.memory, address).size());
		this.reclaimed.increment();
		this.memory.release(address);
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
	public void visitItems(ItemVisitor visitor) {
		long now = now();
		this.items.forEach((address) -> {
			StoredItem item = new StoredItem(this.memory, address);
			return !isLive(item, now) || item.binaryKey()
					|| visitor.visit(item.key(), item.valueLength(), item.expiresAt());
		});
	}

	@Override
	public void resetStatistics() {
		this.totalItems.reset();
		this.evictions.reset();
		this.reclaimed.reset();
		this.expiredReads.reset();
		this.flushedReads.reset();
	}

	/**
	 * The reads that answer with a value, lending it: the same reads as the SPI's, under
	 * the same locks, so a value cannot be freed before the answer holds its reference.
	 */
	private final class Lender implements LendingStore {

		@Override
		public @Nullable LentItem lend(Key key) {
			return read(key, FETCH_LENT);
		}

		@Override
		public @Nullable LentItem lendTouched(Key key, long exptime) {
			return fetchTouched(key, exptime, StoredItem::toLentItem);
		}

		@Override
		public LentMetaResult lendMeta(MetaCommand command) {
			return metaGet(command.key(), command.flags(), (hit, item) -> new LentMetaResult(hit, item.lendValue()),
					LentMetaResult.MISS);
		}

	}

	/**
	 * Where values arrive before their command runs: a chunk reserved from the command line,
	 * which a storage command links as its item (or frees, when it stores nothing).
	 */
	private final class Receiving implements ReceivingStore {

		/**
		 * The bytes of the items whose values are still arriving: at most a quarter of the
		 * limit, so that clients that send values slowly (or never finish them) cannot take the
		 * memory stored items need; past it values arrive on the heap, within the server's
		 * pending-values budget.
		 */
		private final AtomicLong arriving = new AtomicLong();

		@Override
		public @Nullable ByteBuf reserve(Key key, int valueLength, int flags) {
			long size = ItemSize.of(key.length(), valueLength, flags);
			if (size > ConcurrentMapMemcachedStore.this.maxItemSize) {
				return null;
			}
			if (this.arriving.addAndGet(size) > ConcurrentMapMemcachedStore.this.memoryLimit / 4) {
				this.arriving.addAndGet(-size);
				return null;
			}
			// expiry, CAS unique and time come when the command runs
			StoredItem item = tryAllocate(key, valueLength, flags, 0, 0, 0);
			if (item == null) {
				this.arriving.addAndGet(-size);
				return null;
			}
			return item.receiveValue(() -> this.arriving.addAndGet(-size));
		}

		@Override
		public Mono<StoreResult> store(StorageMode mode, Key key, ByteBuf value, long exptime, long cas) {
			ReceivedValue received = (ReceivedValue) value;
			int flags = received.item().flags();
			return Mono.just(switch (mode) {
				case SET -> set(key, received, flags, exptime);
				case ADD -> add(key, received, flags, exptime);
				case REPLACE -> replace(key, received, flags, exptime);
				case CAS -> cas(key, received, flags, exptime, cas);
				case APPEND -> concatenate(key, received, true);
				case PREPEND -> concatenate(key, received, false);
			});
		}

		@Override
		public Mono<MetaResult> metaSet(MetaCommand command, ByteBuf value) {
			return Mono.just(ConcurrentMapMemcachedStore.this.metaSet(command.key(), command.flags(), (ReceivedValue) value));
		}

	}

	@FunctionalInterface
	private interface ItemUpdate<R> {

		@Nullable StoredItem apply(@Nullable StoredItem live, long now, Outcome<R> outcome);

	}

	@FunctionalInterface
	private interface ItemRead<R> {

		R apply(StoredItem live, long now);

	}

	/**
	 * A read or an update under a key's lock, as the table's remapping of the key's address
	 * (one object per call, where a lambda would be a second), and what it found, for the
	 * caller to see once the lock is released.
	 */
	private abstract static class Outcome<R> implements LongUnaryOperator {

		/** The time the call reads and writes items at. */
		final long now;

		R value;

		/** The address the key maps to afterwards, 0 for none. */
		long next;

		Outcome(long now) {
			this.now = now;
		}

	}

	/**
	 * A read: a live item is read, an expired or flushed one is unlinked and counted as
	 * memcached counts such reads.
	 */
	private final class Reading<R> extends Outcome<R> {

		private final ItemRead<R> reader;

		Reading(long now, ItemRead<R> reader) {
			super(now);
			this.reader = reader;
		}

		@Override
		public long applyAsLong(long current) {
			if (current == 0) {
				return 0;
			}
			StoredItem item = new StoredItem(ConcurrentMapMemcachedStore.this.memory, current);
			boolean expired = item.isExpired(this.now);
			if (expired || isFlushed(item, this.now)) {
				(expired ? ConcurrentMapMemcachedStore.this.expiredReads : ConcurrentMapMemcachedStore.this.flushedReads)
					.increment();
				ConcurrentMapMemcachedStore.this.bytesUsed.addAndGet(-item.size());
				return 0;
			}
			this.value = this.reader.apply(item, this.now);
			this.next = current;
			return current;
		}

	}

	/**
	 * An update: it sees the live item (an expired or flushed one counts as absent) and the
	 * table links the item it returns.
	 */
	private final class Updating<R> extends Outcome<R> {

		private final ItemUpdate<R> update;

		Updating(long now, ItemUpdate<R> update) {
			super(now);
			this.update = update;
		}

		@Override
		public long applyAsLong(long current) {
			StoredItem item = (current != 0) ? new StoredItem(ConcurrentMapMemcachedStore.this.memory, current) : null;
			long sizeBefore = (item != null) ? item.size() : 0;
			StoredItem next = this.update.apply((item != null && isLive(item, this.now)) ? item : null, this.now, this);
			ConcurrentMapMemcachedStore.this.bytesUsed.addAndGet(((next != null) ? next.size() : 0) - sizeBefore);
			this.next = (next != null) ? next.address : 0;
			return this.next;
		}

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
