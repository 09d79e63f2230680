package io.github.memcachedserver.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SlabMemoryTests {

	/** 64 KiB: pages of 4 KiB, so small tests fill it. */
	private static final long LIMIT = 64 * 1024;

	private static final int LARGEST_CHUNK = 1024 * 1024;

	private final SlabMemory memory = new SlabMemory(LIMIT, LARGEST_CHUNK);

	@Test
	void takesPagesUpToTheLimitAndNoFurther() {
		List<Long> chunks = allocateUntilFull(1000);
		assertThat(this.memory.pageBytes()).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 4096);
		assertThat(chunks).hasSizeGreaterThan(40).doesNotHaveDuplicates();
	}

	@Test
	void aReleasedChunkIsUsedAgain() {
		List<Long> chunks = allocateUntilFull(1000);
		long freed = chunks.get(7);
		this.memory.release(freed);
		assertThat(this.memory.allocate(1000, (address, force) -> false)).isEqualTo(freed);
	}

	@Test
	void aChunkStaysTakenUntilItsLastReferenceGoes() {
		List<Long> chunks = allocateUntilFull(1000);
		long shared = chunks.get(3);
		this.memory.retain(shared);
		assertThat(this.memory.isShared(shared)).isTrue();
		this.memory.release(shared);
		assertThat(this.memory.isShared(shared)).isFalse();
		assertThat(this.memory.allocate(1000, (address, force) -> false)).as("still one reference").isZero();
		this.memory.release(shared);
		assertThat(this.memory.allocate(1000, (address, force) -> false)).isEqualTo(shared);
		this.memory.release(shared);
		assertThatIllegalStateException().isThrownBy(() -> this.memory.release(shared));
	}

	@Test
	void aFullClassAsksTheEvictorForItsOwnChunksOnly() {
		List<Long> chunks = allocateUntilFull(1000);
		Set<Long> offered = new HashSet<>();
		long address = this.memory.allocate(1000, (candidate, force) -> {
			offered.add(candidate);
			if (offered.size() < 5) {
				return false;
			}
			this.memory.release(candidate);
			return true;
		});
		assertThat(chunks).containsAll(offered);
		assertThat(offered).hasSize(5).contains(address);
	}

	@Test
	void aClassWithoutRoomTakesAPageFromTheClassWithTheMost() {
		List<Long> small = allocateUntilFull(100);
		List<Long> evicted = new ArrayList<>();
		long large = this.memory.allocate(3000, (candidate, force) -> {
			if (!force) {
				return false;
			}
			evicted.add(candidate);
			this.memory.release(candidate);
			return true;
		});
		assertThat(large).isNotZero();
		// every chunk of the one page that moved, and nothing else
		assertThat(small).containsAll(evicted);
		assertThat(evicted).hasSizeBetween(4096 / 120, 4096 / 96).doesNotHaveDuplicates();
		assertThat(this.memory.pageBytes()).isLessThanOrEqualTo(LIMIT);
	}

	@Test
	void aPageWhoseItemsCannotGoIsNotMoved() {
		allocateUntilFull(100);
		long large = this.memory.allocate(3000, (candidate, force) -> false);
		assertThat(large).isZero();
	}

	private List<Long> allocateUntilFull(int size) {
		List<Long> chunks = new ArrayList<>();
		for (long address = this.memory.allocate(size, (candidate, force) -> false); address != 0; address = this.memory
			.allocate(size, (candidate, force) -> false)) {
			chunks.add(address);
		}
		return chunks;
	}

}
