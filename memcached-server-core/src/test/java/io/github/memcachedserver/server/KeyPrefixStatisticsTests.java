package io.github.memcachedserver.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.memcachedserver.handler.Key;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyPrefixStatisticsTests {

	private final KeyPrefixStatistics prefixes = new KeyPrefixStatistics(':', true);

	@Test
	void countsEachPrefixsGetsHitsSetsAndDeletes() {
		this.prefixes.recordSet(Key.of("user:1"));
		this.prefixes.recordGet(Key.of("user:1"), true);
		this.prefixes.recordGet(Key.of("user:2"), false);
		this.prefixes.recordDelete(Key.of("user:2"));
		assertThat(this.prefixes.dump()).isEqualTo("PREFIX user get 2 hit 1 set 1 del 1\r\nEND\r\n");
	}

	@Test
	void thePrefixEndsAtTheFirstDelimiter() {
		this.prefixes.recordGet(Key.of("a:b:c"), false);
		assertThat(this.prefixes.dump()).isEqualTo("PREFIX a get 1 hit 0 set 0 del 0\r\nEND\r\n");
	}

	@Test
	void keysWithoutADelimiterOrWithAZeroByteBeforeItAreNotCounted() {
		this.prefixes.recordSet(Key.of("plain"));
		this.prefixes.recordSet(Key.wrap(new byte[] { 'n', 0, ':', '1' }));
		assertThat(this.prefixes.dump()).isEqualTo("END\r\n");
	}

	/**
	 * memcached's answer to this sequence: buckets in order (p57 and the empty prefix both hash to
	 * bucket 0, user129 to 13), the newest first in a bucket, and its lookup's quirk: "user" and the
	 * empty prefix match the first longer prefix of their bucket that starts with them.
	 */
	@Test
	void listsPrefixesInMemcachedsOrderWithItsLookupQuirk() {
		this.prefixes.recordSet(Key.of("user129:1"));
		this.prefixes.recordGet(Key.of("user:1"), false);
		this.prefixes.recordGet(Key.of("user:2"), false);
		this.prefixes.recordGet(Key.of("user129:1"), true);
		this.prefixes.recordDelete(Key.of("user:9"));
		this.prefixes.recordGet(Key.of(":x"), false);
		this.prefixes.recordGet(Key.of("p57:1"), false);
		this.prefixes.recordGet(Key.of(":y"), false);
		assertThat(this.prefixes.dump()).isEqualTo("PREFIX p57 get 2 hit 0 set 0 del 0\r\n"
				+ "PREFIX  get 1 hit 0 set 0 del 0\r\nPREFIX user129 get 3 hit 1 set 1 del 1\r\nEND\r\n");
	}

	@Test
	void aShorterPrefixInAnotherBucketIsItsOwn() {
		// "a" hashes to bucket 178, "ab" to 95
		this.prefixes.recordSet(Key.of("ab:1"));
		this.prefixes.recordSet(Key.of("a:1"));
		assertThat(this.prefixes.dump())
			.isEqualTo("PREFIX ab get 0 hit 0 set 1 del 0\r\nPREFIX a get 0 hit 0 set 1 del 0\r\nEND\r\n");
	}

	@Test
	void countsNothingWhileOffAndDumpsWhatItHas() {
		this.prefixes.recordSet(Key.of("a:1"));
		this.prefixes.setEnabled(false);
		this.prefixes.recordSet(Key.of("a:1"));
		this.prefixes.recordGet(Key.of("b:1"), true);
		this.prefixes.recordDelete(Key.of("a:1"));
		assertThat(this.prefixes.isEnabled()).isFalse();
		assertThat(this.prefixes.dump()).isEqualTo("PREFIX a get 0 hit 0 set 1 del 0\r\nEND\r\n");
	}

	@Test
	void clearForgetsEveryPrefix() {
		this.prefixes.recordSet(Key.of("a:1"));
		this.prefixes.recordSet(Key.of("p57:1"));
		this.prefixes.clear();
		assertThat(this.prefixes.dump()).isEqualTo("END\r\n");
		this.prefixes.recordGet(Key.of("a:1"), true);
		assertThat(this.prefixes.dump()).isEqualTo("PREFIX a get 1 hit 1 set 0 del 0\r\nEND\r\n");
	}

	@Test
	void takesAnyOneByteDelimiter() {
		KeyPrefixStatistics slashes = new KeyPrefixStatistics('/', true);
		slashes.recordSet(Key.of("a:b/c"));
		slashes.recordSet(Key.wrap(new byte[] { (byte) 0xe9, '/', '1' }));
		assertThat(slashes.delimiter()).isEqualTo('/');
		assertThat(slashes.dump()).contains("PREFIX a:b get 0 hit 0 set 1 del 0\r\n")
			.contains("PREFIX \u00e9 get 0 hit 0 set 1 del 0\r\n");
	}

	@Test
	void countsFromManyThreadsWithoutLosingAny() {
		List<CompletableFuture<Void>> counting = new ArrayList<>();
		for (int thread = 0; thread < 4; thread++) {
			counting.add(CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 10_000; i++) {
					this.prefixes.recordGet(Key.of("p" + (i % 50) + ":" + i), (i & 1) == 0);
				}
			}));
		}
		counting.forEach(CompletableFuture::join);
		long gets = 0;
		long hits = 0;
		for (String line : this.prefixes.dump().split("\r\n")) {
			if (line.startsWith("PREFIX ")) {
				String[] words = line.split(" ");
				gets += Long.parseLong(words[3]);
				hits += Long.parseLong(words[5]);
			}
		}
		assertThat(gets).isEqualTo(40_000);
		assertThat(hits).isEqualTo(20_000);
	}

}
