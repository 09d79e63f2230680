package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import io.github.memcachedserver.handler.Key;
import org.jspecify.annotations.Nullable;

/**
 * memcached's per-prefix statistics ({@code stats detail}): how many gets, hits, sets and
 * deletes named each key prefix, the bytes before the first delimiter. Counted only while
 * enabled; a dump shows what was counted either way.
 * <p>
 * The prefixes are kept as memcached keeps them, in 256 buckets by MurmurHash3 of the prefix,
 * the newest first in each, so that a dump lists them in memcached's order. Its lookup's
 * quirk comes with it: within a bucket, a prefix also matches a longer one that starts with
 * it. Like memcached, the table grows with every prefix counted until it is reset; one lock
 * guards it, as memcached's stats lock does.
 */
final class KeyPrefixStatistics {

	private static final int BUCKETS = 256;

	private final byte delimiter;

	private volatile boolean enabled;

	/** Each bucket's prefixes, newest first; guarded by this. */
	private final @Nullable Prefix[] buckets = new Prefix[BUCKETS];

	/**
	 * @param delimiter the character that ends a prefix, one byte other than 0 (memcached's
	 * {@code -D})
	 * @param enabled whether to count from the start
	 */
	KeyPrefixStatistics(char delimiter, boolean enabled) {
		this.delimiter = (byte) delimiter;
		this.enabled = enabled;
	}

	char delimiter() {
		return (char) (this.delimiter & 0xff);
	}

	boolean isEnabled() {
		return this.enabled;
	}

	/** Turns counting on or off ({@code stats detail on|off}); what was counted stays. */
	void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/** Counts a read of one key ({@code get}, and {@code hit} when it was found). */
	void recordGet(Key key, boolean hit) {
		if (this.enabled) {
			count(key, hit ? Prefix::hit : Prefix::miss);
		}
	}

	/** Counts a storage command for a key. */
	void recordSet(Key key) {
		if (this.enabled) {
			count(key, Prefix::set);
		}
	}

	/** Counts a delete of a key. */
	void recordDelete(Key key) {
		if (this.enabled) {
			count(key, Prefix::delete);
		}
	}

	/**
	 * Renders {@code stats detail dump}: a {@code PREFIX} line per prefix, then {@code END}.
	 * @return the text, one character per byte (ISO-8859-1)
	 */
	synchronized String dump() {
		StringBuilder out = new StringBuilder();
		for (Prefix bucket : this.buckets) {
			for (Prefix prefix = bucket; prefix != null; prefix = prefix.next) {
				out.append("PREFIX ")
					.append(prefix.text())
					.append(" get ")
					.append(prefix.gets)
					.append(" hit ")
					.append(prefix.hits)
					.append(" set ")
					.append(prefix.sets)
					.append(" del ")
					.append(prefix.deletes)
					.append("\r\n");
			}
		}
		return out.append("END\r\n").toString();
	}

	/** Forgets every prefix, as {@code stats reset} does. */
	synchronized void clear() {
		Arrays.fill(this.buckets, null);
	}

	private synchronized void count(Key key, Consumer<Prefix> counter) {
		Prefix prefix = prefixOf(key.unsafeBytes());
		if (prefix != null) {
			counter.accept(prefix);
		}
	}

	/**
	 * Finds or adds a key's prefix; {@code null} when the key has no delimiter, or a zero byte
	 * before it (memcached reads the key as a C string there).
	 */
	private @Nullable Prefix prefixOf(byte[] key) {
		int length = 0;
		while (length < key.length && key[length] != this.delimiter) {
			if (key[length] == 0) {
				return null;
			}
			length++;
		}
		if (length == key.length) {
			return null;
		}
		int bucket = MurmurHash3.hash32(key, length) & (BUCKETS - 1);
		for (Prefix prefix = this.buckets[bucket]; prefix != null; prefix = prefix.next) {
			// memcached compares only the new prefix's length (strncmp)
			if (prefix.startsWith(key, length)) {
				return prefix;
			}
		}
		Prefix added = new Prefix(Arrays.copyOf(key, length), this.buckets[bucket]);
		this.buckets[bucket] = added;
		return added;
	}

	/** One prefix's counters; guarded by the table's lock. */
	private static final class Prefix {

		private final byte[] bytes;

		private final @Nullable Prefix next;

		private long gets;

		private long hits;

		private long sets;

		private long deletes;

		Prefix(byte[] bytes, @Nullable Prefix next) {
			this.bytes = bytes;
			this.next = next;
		}

		boolean startsWith(byte[] key, int length) {
			return this.bytes.length >= length && Arrays.equals(this.bytes, 0, length, key, 0, length);
		}

		String text() {
			return new String(this.bytes, StandardCharsets.ISO_8859_1);
		}

		void hit() {
			this.gets++;
			this.hits++;
		}

		void miss() {
			this.gets++;
		}

		void set() {
			this.sets++;
		}

		void delete() {
			this.deletes++;
		}

	}

}
