package io.github.memcachedserver.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.memcachedserver.handler.Key;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ItemTableTests {

	private final SlabMemory memory = new SlabMemory(64L * 1024 * 1024, 1024 * 1024);

	private final ItemTable table = new ItemTable(this.memory);

	@Test
	void findsEveryItemThroughResizesAndRemovals() {
		for (int i = 0; i < 100_000; i++) {
			put(i, "v" + i);
		}
		for (int i = 0; i < 100_000; i += 2) {
			Key key = key(i);
			this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> 0);
		}
		assertThat(this.table.size()).isEqualTo(50_000);
		for (int i = 0; i < 100_000; i++) {
			StoredItem item = get(i);
			if (i % 2 == 0) {
				assertThat(item).as("removed %s", i).isNull();
			}
			else {
				assertThat(item).as("kept %s", i).isNotNull();
				assertThat(text(item)).isEqualTo("v" + i);
			}
		}
	}

	@Test
	void removalByTheEvictionClockTakesOnlyTheGivenItem() {
		StoredItem first = put(1, "a");
		StoredItem second = put(1, "b");
		int hash = key(1).hashCode();
		assertThat(this.table.removeIfUnlocked(first.address, hash, (address) -> true)).isFalse();
		assertThat(get(1).address).isEqualTo(second.address);
		assertThat(this.table.removeIfUnlocked(second.address, hash, (address) -> false)).isFalse();
		assertThat(this.table.removeIfUnlocked(second.address, hash, (address) -> true)).isTrue();
		assertThat(get(1)).isNull();
		assertThat(this.table.size()).isZero();
	}

	@Test
	void anUpdateMayEvictAnythingButTheItemItChanges() {
		StoredItem changed = put(1, "a");
		List<StoredItem> others = new ArrayList<>();
		for (int i = 2; i < 200; i++) {
			others.add(put(i, "b"));
		}
		Key key = key(1);
		List<Boolean> removed = new ArrayList<>();
		this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> {
			// allocating inside an update evicts, in this segment too (its lock is this thread's)
			removed.add(this.table.removeIfUnlocked(changed.address, key.hashCode(), (address) -> true));
			for (StoredItem other : others) {
				removed.add(this.table.removeIfUnlocked(other.address, other.hash(), (address) -> true));
			}
			return current;
		});
		assertThat(removed.get(0)).isFalse();
		assertThat(removed.subList(1, removed.size())).containsOnly(true);
		assertThat(get(1)).isNotNull();
		assertThat(this.table.size()).isOne();
	}

	@Test
	void theEvictionClockNeverWaitsForASegmentAnotherThreadHolds() throws Exception {
		StoredItem item = put(1, "a");
		Key key = key(1);
		CountDownLatch locked = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			pool.submit(() -> this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> {
				locked.countDown();
				await(done);
				return current;
			}));
			locked.await();
			assertThat(this.table.removeIfUnlocked(item.address, key.hashCode(), (address) -> true)).isFalse();
		}
		finally {
			done.countDown();
			pool.shutdown();
		}
		assertThat(get(1)).isNotNull();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
						long previous = this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> item(0,
								String.valueOf(Long.parseLong(text(new StoredItem(this.memory, current))) + 1)).address);
						this.memory.release(previous);
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
		assertThat(text(get(0))).isEqualTo("40000");
	}

	@Test
	void readersNeverMissAnItemWhileOthersGrowTheTable() throws Exception {
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
					this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> 0);
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
	void theReclaimHandComesRoundToEveryItemAndSkipsWhatTheJudgeKeeps() {
		for (int i = 0; i < 5_000; i++) {
			put(i, (i == 7) ? "keep" : "v");
		}
		List<Long> removed = new ArrayList<>();
		for (int step = 0; step < 1_000_000 && this.table.size() > 1; step++) {
			this.table.advanceReclaimHand(8, (address) -> !text(new StoredItem(this.memory, address)).equals("keep"),
					removed::add);
		}
		assertThat(removed).hasSize(4_999).doesNotHaveDuplicates();
		assertThat(text(get(7))).isEqualTo("keep");
	}

	private StoredItem put(int i, String value) {
		Key key = key(i);
		StoredItem item = item(i, value);
		this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> item.address);
		return item;
	}

	private StoredItem get(int i) {
		Key key = key(i);
		long address = this.table.compute(key.unsafeBytes(), key.hashCode(), (current) -> current);
		return (address != 0) ? new StoredItem(this.memory, address) : null;
	}

	private StoredItem item(int i, String text) {
		Key key = key(i);
		byte[] value = text.getBytes(StandardCharsets.US_ASCII);
		long address = this.memory.allocate(StoredItem.chunkSize(key.length(), value.length, 0), (victim, force) -> false);
		StoredItem item = StoredItem.create(this.memory, address, key.unsafeBytes(), key.hashCode(), value.length, 0, 0,
				i, 0);
		item.writeValue(0, value);
		return item;
	}

	private static String text(StoredItem item) {
		return new String(item.value(), StandardCharsets.US_ASCII);
	}

	private static Key key(int i) {
		return Key.of("key:" + i);
	}

}
