package io.github.memcachedserver.hazelcast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.handler.Arithmetic;
import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.MetaExpiry;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.MetaResult.Status;
import io.github.memcachedserver.store.ItemSize;
import org.jspecify.annotations.Nullable;

/**
 * The meta commands that change an item ({@code ms}, {@code md}, {@code ma}, and {@code mg}
 * with {@code N}, {@code T} or {@code R} or on a stale item), with memcached's rules for modes,
 * CAS comparison, invalidation, stale items and recache leases, run on the key's owner so that
 * exactly one client wins a lease however many instances ask at once.
 */
final class MetaProcessor extends ItemProcessor<MetaOutcome> {

	private char code;

	/** Set by the constructor or by {@link #readFields}. */
	private MetaFlags flags;

	private byte[] value = Bytes.EMPTY;

	private int keyLength;

	private int maxItemSize;

	/** For Hazelcast's deserialization. */
	MetaProcessor() {
	}

	MetaProcessor(char code, MetaFlags flags, byte @Nullable [] value, int keyLength, int maxItemSize, long now,
			long oldestLive, long newCas) {
		super(now, oldestLive, newCas);
		this.code = code;
		this.flags = flags;
		this.value = (value != null) ? value : Bytes.EMPTY;
		this.keyLength = keyLength;
		this.maxItemSize = maxItemSize;
	}

	@Override
	MetaOutcome apply(@Nullable CachedItem live) {
		try {
			MetaResult result = switch (this.code) {
				case 's' -> set(live);
				case 'd' -> delete(live);
				case 'a' -> arithmetic(live);
				default -> get(live);
			};
			return new MetaOutcome(result);
		}
		catch (ClientErrorException ex) {
			return MetaOutcome.clientError(ex);
		}
	}

	private MetaResult get(@Nullable CachedItem live) {
		CachedItem item = live;
		boolean created = false;
		if (item == null) {
			if (this.flags.vivifyTtl() == null) {
				return MetaResult.of(Status.MISS);
			}
			// a stub whose creator wins the right to fill it (anti-dogpiling); its expiry comes with N below
			item = new CachedItem(Bytes.EMPTY, 0, casFor(), 0, this.now, 0);
			created = true;
		}
		MetaExpiry expiry = MetaExpiry.of(this.flags, item.expiresAt(), created, this.now);
		if (expiry.expiresAt() != item.expiresAt()) {
			item = item.withExpiry(expiry.expiresAt());
		}
		boolean tokenSentBefore = item.has(CachedItem.TOKEN_SENT);
		boolean won = created;
		Long threshold = this.flags.recacheThreshold();
		if (threshold != null && !tokenSentBefore && !created && expiry.expiresAtForRecache() != 0
				&& expiry.expiresAtForRecache() < Entry.expiresAtEpochSecond(threshold, this.now)) {
			won = true;
		}
		if (item.has(CachedItem.STALE) && !tokenSentBefore) {
			won = true;
		}
		// memcached refuses an opaque too long while it answers, and then hands out no token
		if (won && !this.flags.opaqueTooLong()) {
			item = item.withState(item.state() | CachedItem.TOKEN_SENT);
		}
		if (item != live) {
			store(item);
		}
		return new MetaResult(Status.HIT, item.value(), item.flags(), item.cas(), expiry.ttlShown(this.now), 0, false,
				won, item.has(CachedItem.STALE), tokenSentBefore && !created, size(item), item.has(CachedItem.BINARY_KEY));
	}

	private MetaResult set(@Nullable CachedItem live) {
		char mode = (this.flags.mode() == 0) ? 'S' : this.flags.mode();
		boolean concat = mode == 'A' || mode == 'P';
		Long compareCas = this.flags.compareCas();
		boolean casMode = compareCas != null && (mode == 'S' || mode == 'R');
		long requestCas = (compareCas != null) ? compareCas : 0;
		int clientFlags = (int) this.flags.clientFlags();
		long ttl = (this.flags.ttl() != null) ? this.flags.ttl() : 0;
		CachedItem fresh = new CachedItem(this.value, clientFlags, 0, Entry.expiresAtEpochSecond(ttl, this.now),
				this.now, 0);
		CachedItem next;
		if (live == null) {
			Long vivifyTtl = this.flags.vivifyTtl();
			next = switch (mode) {
				case 'E' -> fresh;
				case 'S' -> casMode ? null : fresh;
				// append with N creates the item from its data (protocol.txt, "Meta Set")
				case 'A', 'P' -> (vivifyTtl != null) ? new CachedItem(this.value, clientFlags, 0,
						Entry.expiresAtEpochSecond(vivifyTtl, this.now), this.now, 0) : null;
				default -> null;
			};
			if (next == null) {
				return MetaResult.of(casMode ? Status.NOT_FOUND : Status.NOT_STORED);
			}
		}
		else {
			boolean casMatch = requestCas != 0 && requestCas == live.cas();
			boolean casStale = requestCas != 0 && !casMatch && this.flags.invalidate() && requestCas < live.cas();
			if (mode == 'E') {
				return MetaResult.of(Status.NOT_STORED);
			}
			if ((casMode && !casMatch && !casStale) || (concat && requestCas != 0 && !casMatch)) {
				return MetaResult.of(Status.EXISTS);
			}
			if (concat) {
				if (ItemSize.of(this.keyLength, (long) live.value().length + this.value.length, live.flags()) > this.maxItemSize) {
					return MetaResult.of(Status.NOT_STORED);
				}
				byte[] joined = (mode == 'A') ? Bytes.concat(live.value(), this.value) : Bytes.concat(this.value, live.value());
				next = new CachedItem(joined, live.flags(), 0, live.expiresAt(), this.now, 0);
			}
			else if (casStale) {
				// an older CAS with I: the value is kept but marked stale, with the old expiry
				next = new CachedItem(this.value, clientFlags, 0, live.expiresAt(), this.now,
						CachedItem.STALE | (live.state() & CachedItem.TOKEN_SENT));
			}
			else {
				next = fresh;
			}
		}
		// append and prepend keep the item's own key encoding
		boolean binaryKey = (live != null && concat) ? live.has(CachedItem.BINARY_KEY) : this.flags.base64Key();
		CachedItem stored = new CachedItem(next.value(), next.flags(), casFor(), next.expiresAt(), this.now,
				next.state() | (binaryKey ? CachedItem.BINARY_KEY : 0));
		store(stored);
		return new MetaResult(Status.HIT, stored.value(), stored.flags(), stored.cas(), stored.ttl(this.now), 0, false,
				false, stored.has(CachedItem.STALE), false, size(stored), binaryKey);
	}

	private MetaResult delete(@Nullable CachedItem live) {
		if (live == null) {
			return MetaResult.of(Status.NOT_FOUND);
		}
		if (this.flags.compareCas() != null && live.cas() != this.flags.compareCas()) {
			return MetaResult.of(Status.EXISTS);
		}
		if (!this.flags.invalidate() && !this.flags.removeValue()) {
			remove();
			return MetaResult.of(Status.HIT);
		}
		Long ttl = this.flags.ttl();
		long expiresAt = (this.flags.invalidate() && ttl != null) ? Entry.expiresAtEpochSecond(ttl, this.now)
				: live.expiresAt();
		byte[] newValue = this.flags.removeValue() ? Bytes.EMPTY : live.value();
		long cas = this.flags.invalidate() ? casFor() : live.cas();
		boolean stale = this.flags.invalidate() || live.has(CachedItem.STALE);
		// invalidation keeps the item in place, stale, with a new CAS unique so the next reader can win
		int state = (live.state() & CachedItem.BINARY_KEY) | (stale ? CachedItem.STALE : 0);
		store(new CachedItem(newValue, live.flags(), cas, expiresAt, live.storedAt(), state));
		return MetaResult.of(Status.HIT);
	}

	private MetaResult arithmetic(@Nullable CachedItem live) {
		boolean increment = this.flags.mode() != 'D' && this.flags.mode() != '-';
		if (live == null) {
			if (this.flags.vivifyTtl() == null) {
				return MetaResult.of(Status.NOT_FOUND);
			}
			byte[] initial = digits(this.flags.initial());
			MetaExpiry expiry = MetaExpiry.of(this.flags, 0, true, this.now);
			CachedItem created = new CachedItem(initial, 0, casFor(), expiry.expiresAt(), this.now, 0);
			store(created);
			return numberResult(Status.CREATED, created, initial, expiry.ttlShown(this.now));
		}
		Arithmetic.checkNotEmpty(live.value());
		if (this.flags.compareCas() != null && live.cas() != this.flags.compareCas()) {
			return MetaResult.of(Status.EXISTS);
		}
		long number = Arithmetic.apply(live.value(), this.flags.delta(), increment);
		CachedItem next = ArithmeticProcessor.rewritten(live, number, casFor());
		MetaExpiry expiry = MetaExpiry.of(this.flags, next.expiresAt(), false, this.now);
		if (expiry.expiresAt() != next.expiresAt()) {
			next = next.withExpiry(expiry.expiresAt());
		}
		store(next);
		return numberResult(Status.HIT, next, digits(number), expiry.ttlShown(this.now));
	}

	private MetaResult numberResult(Status status, CachedItem item, byte[] digits, long ttl) {
		return new MetaResult(status, digits, item.flags(), item.cas(), ttl, 0, false, false, false, false, size(item),
				item.has(CachedItem.BINARY_KEY));
	}

	private long casFor() {
		Long explicit = this.flags.newCas();
		return (explicit != null) ? explicit : nextCas();
	}

	private long size(CachedItem item) {
		return ItemSize.of(this.keyLength, item.value().length, item.flags());
	}

	private static byte[] digits(long value) {
		return Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII);
	}

	@Override
	void writeFields(ObjectDataOutput out) throws IOException {
		out.writeChar(this.code);
		MetaFlagsCodec.write(out, this.flags);
		out.writeByteArray(this.value);
		out.writeInt(this.keyLength);
		out.writeInt(this.maxItemSize);
	}

	@Override
	void readFields(ObjectDataInput in) throws IOException {
		this.code = in.readChar();
		this.flags = MetaFlagsCodec.read(in);
		this.value = in.readByteArray();
		this.keyLength = in.readInt();
		this.maxItemSize = in.readInt();
	}

}
