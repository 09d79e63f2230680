package io.github.memcachedserver.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.memcachedserver.handler.Key;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ItemTableTests {

	private final ItemTable table = new ItemTable();

	@Test
	void findsEveryItemThroughResizesAndRemovals() {
		for (int i = 0; i < 100_000; i++) {
			put(i, "v" + i);
		}
		for (int i = 0; i < 100_000; i += 2) {
			Key key = key(i);
			this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> null);
		}
		assertThat(this.table.size()).isEqualTo(50_000);
		for (int i = 0; i < 100_000; i++) {
			StoredItem item = get(i);
			if (i % 2 == 0) {
				assertThat(item).as("removed %s", i).isNull();
			}
			else {
				assertThat(item).as("kept %s", i).isNotNull();
				assertThat(new String(item.value, StandardCharsets.US_ASCII)).isEqualTo("v" + i);
			}
		}
	}

	@Test
	void removeTakesOnlyTheGivenItem() {
		StoredItem first = put(1, "a");
		StoredItem second = put(1, "b");
		assertThat(this.table.remove(first, key(1).hashCode())).isFalse();
		assertThat(get(1)).isSameAs(second);
		assertThat(this.table.remove(second, key(1).hashCode())).isTrue();
		assertThat(get(1)).isNull();
		assertThat(this.table.size()).isZero();
	}

	@Test
	void computeIsAtomicPerKey() throws Exception {
		put(0, "0");
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				workers.add(pool.submit(() -> {
					Key key = key(0);
					for (int i = 0; i < 10_000; i++) {
						this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> item(0,
								String.valueOf(Long.parseLong(new String(current.value, StandardCharsets.US_ASCII)) + 1)));
					}
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			pool.shutdown();
		}
		assertThat(new String(get(0).value, StandardCharsets.US_ASCII)).isEqualTo("40000");
	}

	@Test
	void lockFreeReadersNeverMissAnItemWhileOthersGrowTheTable() throws Exception {
		for (int i = 0; i < 1_000; i++) {
			put(i, "stable");
		}
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<Integer> misses = pool.submit(() -> {
				int missed = 0;
				while (writing.get()) {
					for (int i = 0; i < 1_000; i++) {
						missed += (get(i) == null) ? 1 : 0;
					}
				}
				return missed;
			});
			for (int i = 1_000; i < 200_000; i++) {
				put(i, "new");
				if (i % 3 == 0) {
					Key key = key(i - 1);
					this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> null);
				}
			}
			writing.set(false);
			assertThat(misses.get()).isZero();
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void theEvictionHandComesRoundToEveryItem() {
		for (int i = 0; i < 5_000; i++) {
			put(i, "v");
		}
		int removed = 0;
		for (int step = 0; step < 1_000_000 && this.table.size() > 0; step++) {
			removed += (this.table.advanceEvictionHand((item) -> true) != null) ? 1 : 0;
		}
		assertThat(removed).isEqualTo(5_000);
		assertThat(this.table.size()).isZero();
	}

	@Test
	void theHandsSkipWhatTheJudgeKeeps() {
		put(1, "keep");
		for (int step = 0; step < 1_000; step++) {
			assertThat(this.table.advanceReclaimHand((item) -> false)).isNull();
		}
		assertThat(get(1)).isNotNull();
	}

	private StoredItem put(int i, String value) {
		Key key = key(i);
		StoredItem item = item(i, value);
		this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> item);
		return item;
	}

	private StoredItem get(int i) {
		Key key = key(i);
		return this.table.get(key.unsafeBytes(), key.hashCode());
	}

	private static StoredItem item(int i, String value) {
		return new StoredItem(key(i), value.getBytes(StandardCharsets.US_ASCII), 0, 0, i, 0);
	}

	private static Key key(int i) {
		return Key.of("key:" + i);
	}

}
