package io.github.memcachedserver.hazelcast;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.flakeidgen.FlakeIdGenerator;
import com.hazelcast.map.IMap;
import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import io.github.memcachedserver.store.ItemSize;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A complete memcached on a Hazelcast {@link IMap} that every instance of the application
 * shares: any instance answers any key, and a lost instance loses nothing the map's backups
 * hold. Each command that changes an item is one entry processor run on the key's owner, so
 * {@code cas}, {@code incr}/{@code decr}, {@code append}/{@code prepend}, {@code add} and the
 * meta leases are atomic across instances. Every call returns at once; the answer comes when
 * Hazelcast's {@code CompletionStage} completes, so no event loop waits on the network. A
 * multi-key {@code get} is one {@code submitToKeys} call.
 * <p>
 * Keys are the key bytes as ISO-8859-1 text (one char per byte, so any key round-trips).
 * CAS uniques are Hazelcast flake ids, unique in the cluster. Expiry follows memcached's rules
 * and also becomes the entry's Hazelcast TTL, so expired items free their memory. Item read
 * state (fetched, last access) is not recorded: a read stays a read. {@code stats} reports
 * no store figures: the cluster-wide ones would need a call to every member.
 *
 * @since 0.1.0
 */
public final class HazelcastMemcachedStore implements MemcachedCommandHandler, AutoCloseable {

	/** The name of the item map unless configured otherwise. */
	public static final String DEFAULT_MAP_NAME = "memcached";

	private static final String TOO_LARGE = "object too large for cache";

	private final IMap<String, CachedItem> items;

	private final FlushMark flushMark;

	private final FlakeIdGenerator casUniques;

	private final int maxItemSize;

	/**
	 * Creates a store on a map of the given instance.
	 * @param hazelcast the Hazelcast member (or client) whose map holds the items
	 * @param mapName the item map's name; {@code <name>.flush} holds the flush mark and
	 * {@code <name>.cas} generates CAS uniques
	 * @param maxItemSize the largest item accepted, counted as memcached counts it
	 */
	public HazelcastMemcachedStore(HazelcastInstance hazelcast, String mapName, int maxItemSize) {
		this.items = hazelcast.getMap(mapName);
		this.flushMark = new FlushMark(hazelcast, mapName + ".flush");
		this.casUniques = hazelcast.getFlakeIdGenerator(mapName + ".cas");
		this.maxItemSize = maxItemSize;
	}

	/**
	 * Creates a store on the default map with memcached's default item size limit.
	 * @param hazelcast the Hazelcast member (or client) whose map holds the items
	 */
	public HazelcastMemcachedStore(HazelcastInstance hazelcast) {
		this(hazelcast, DEFAULT_MAP_NAME, ConcurrentMapMemcachedStore.DEFAULT_MAX_ITEM_SIZE);
	}

	@Override
	public Mono<Item> get(Session session, Key key) {
		long now = now();
		long oldestLive = this.flushMark.oldestLive();
		return answer(this.items.getAsync(name(key)))
			.mapNotNull((item) -> item.isLive(now, oldestLive) ? item.toItem() : null);
	}

	@Override
	public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
		Map<String, Key> byName = new LinkedHashMap<>();
		for (Key key : keys) {
			byName.put(name(key), key);
		}
		CompletionStage<Map<String, CachedItem>> read = this.items.submitToKeys(byName.keySet(),
				new LiveReadProcessor(now(), this.flushMark.oldestLive()));
		return answer(read).map((found) -> {
			Map<Key, Item> items = new HashMap<>();
			found.forEach((name, item) -> {
				if (item != null) {
					items.put(byName.get(name), item.toItem());
				}
			});
			return items;
		});
	}

	@Override
	public Mono<StoreResult> set(Session session, Key key, Entry entry) {
		return write(WriteProcessor.Mode.SET, key, entry, 0);
	}

	@Override
	public Mono<StoreResult> add(Session session, Key key, Entry entry) {
		return write(WriteProcessor.Mode.ADD, key, entry, 0);
	}

	@Override
	public Mono<StoreResult> replace(Session session, Key key, Entry entry) {
		return write(WriteProcessor.Mode.REPLACE, key, entry, 0);
	}

	@Override
	public Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
		return write(WriteProcessor.Mode.CAS, key, entry, cas);
	}

	private Mono<StoreResult> write(WriteProcessor.Mode mode, Key key, Entry entry, long compareCas) {
		if (ItemSize.of(key.length(), entry.value().length, entry.flags()) > this.maxItemSize) {
			throw new CommandFailedException(TOO_LARGE);
		}
		long now = now();
		WriteProcessor write = new WriteProcessor(mode, entry.value(), entry.flags(),
				Entry.expiresAtEpochSecond(entry.exptime(), now), compareCas, now, this.flushMark.oldestLive(),
				this.casUniques.newId());
		return submit(key, write).map(WriteOutcome::toStoreResult);
	}

	@Override
	public Mono<StoreResult> append(Session session, Key key, byte[] data) {
		return concatenate(key, data, true);
	}

	@Override
	public Mono<StoreResult> prepend(Session session, Key key, byte[] data) {
		return concatenate(key, data, false);
	}

	private Mono<StoreResult> concatenate(Key key, byte[] data, boolean append) {
		long now = now();
		ConcatProcessor concat = new ConcatProcessor(data, append, key.length(), this.maxItemSize, now,
				this.flushMark.oldestLive(), this.casUniques.newId());
		return submit(key, concat).map(WriteOutcome::toStoreResult);
	}

	@Override
	public Mono<Boolean> delete(Session session, Key key) {
		return submit(key, new DeleteProcessor(now(), this.flushMark.oldestLive()));
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
		ArithmeticProcessor arithmetic = new ArithmeticProcessor(delta, increment, now(), this.flushMark.oldestLive(),
				this.casUniques.newId());
		return submit(key, arithmetic).map(MetaOutcome::result)
			.filter((result) -> result.status() == MetaResult.Status.HIT)
			.map((result) -> Long.parseUnsignedLong(new String(result.value(), StandardCharsets.US_ASCII).strip()));
	}

	@Override
	public Mono<Boolean> touch(Session session, Key key, long exptime) {
		return getAndTouch(session, key, exptime).hasElement();
	}

	@Override
	public Mono<Item> getAndTouch(Session session, Key key, long exptime) {
		long now = now();
		TouchProcessor touch = new TouchProcessor(Entry.expiresAtEpochSecond(exptime, now), now,
				this.flushMark.oldestLive());
		return submit(key, touch).map(CachedItem::toItem);
	}

	/**
	 * Invalidates the items of every instance. Without a delay the map is cleared (a blocking
	 * Hazelcast call, made off the event loop); with one, the flush mark tells every instance
	 * which items are gone from when on.
	 */
	@Override
	public Mono<Void> flushAll(Session session, long delaySeconds) {
		long now = now();
		if (delaySeconds > 0) {
			// as memcached: items written up to the second before the deadline are invalidated
			return answer(this.flushMark.set(Entry.expiresAtEpochSecond(delaySeconds, now) - 1));
		}
		return answer(this.flushMark.set(now - 1))
			.then(Mono.<Void>fromRunnable(this.items::clear).subscribeOn(Schedulers.boundedElastic()));
	}

	/**
	 * Every meta command but {@code me} runs on the key's owner, {@code mg} too: a read of a
	 * stale item hands out a recache lease, and reads submitted in request order reach the
	 * owner in that order, so the lease goes to the first. One that changes nothing makes no
	 * backup work.
	 */
	@Override
	public Mono<MetaResult> meta(Session session, MetaCommand command) {
		Key key = command.key();
		long now = now();
		long oldestLive = this.flushMark.oldestLive();
		if (command.code() == 'e') {
			return answer(this.items.getAsync(name(key)))
				.mapNotNull((item) -> item.isLive(now, oldestLive) ? debug(item, key, now) : null)
				.defaultIfEmpty(MetaResult.of(MetaResult.Status.MISS));
		}
		// of the reads, only one that creates its item needs a CAS unique
		boolean needsCas = command.code() != 'g' || command.flags().vivifyTtl() != null;
		MetaProcessor processor = new MetaProcessor(command.code(), command.flags(), command.value(), key.length(),
				this.maxItemSize, now, oldestLive, needsCas ? this.casUniques.newId() : 0);
		return submit(key, processor).map(MetaOutcome::result);
	}

	private static MetaResult debug(CachedItem item, Key key, long now) {
		return new MetaResult(MetaResult.Status.HIT, null, item.flags(), item.cas(), item.ttl(now), 0, false, false,
				item.has(CachedItem.STALE), item.has(CachedItem.TOKEN_SENT),
				ItemSize.of(key.length(), item.value().length, item.flags()), item.has(CachedItem.BINARY_KEY));
	}

	private <R> Mono<R> submit(Key key, ItemProcessor<R> processor) {
		return answer(this.items.submitToKey(name(key), processor));
	}

	/** Stops following the flush mark; the maps stay, as other instances use them. */
	@Override
	public void close() {
		this.flushMark.close();
	}

	/**
	 * The answer of a Hazelcast call as a {@code Mono}, signalled on the thread that completes it.
	 * Hazelcast runs the plain callbacks of its futures on the common fork-join pool (one thread
	 * on a two-core machine); the server moves the answer onto the connection's event loop itself.
	 */
	private static <T> Mono<T> answer(CompletionStage<T> call) {
		return Mono.create((sink) -> call.whenCompleteAsync((value, failure) -> {
			if (failure != null) {
				sink.error((failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
						: failure);
			}
			else {
				sink.success(value);
			}
		}, Runnable::run));
	}

	private static String name(Key key) {
		return new String(key.unsafeBytes(), StandardCharsets.ISO_8859_1);
	}

	private static long now() {
		return System.currentTimeMillis() / 1000;
	}

}
