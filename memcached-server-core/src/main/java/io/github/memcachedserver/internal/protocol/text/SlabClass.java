package io.github.memcachedserver.internal.protocol.text;

import java.util.Arrays;

/**
 * The slab class memcached 1.6 files an item under with its default settings (chunks from 96
 * bytes, each class 1.25 times the last rounded up to 8 bytes, up to half a 1 MiB page, where
 * the last class takes every larger item in chunks), for the {@code cls=} of {@code me}. The
 * store does not partition memory, so the class is only what memcached would answer.
 */
final class SlabClass {

	private static final int SMALLEST_CHUNK = 96;

	private static final double GROWTH_FACTOR = 1.25;

	private static final int LARGEST_CHUNK = 512 * 1024;

	private static final int ALIGNMENT = 8;

	/** Chunk sizes by class, from class 1 on. */
	private static final int[] CHUNK_SIZES = chunkSizes();

	private SlabClass() {
	}

	/**
	 * The class of an item.
	 * @param itemSize the item's size as memcached counts it ({@code ItemSize})
	 * @return the class number, from 1
	 */
	static int of(long itemSize) {
		for (int i = 0; i < CHUNK_SIZES.length; i++) {
			if (itemSize <= CHUNK_SIZES[i]) {
				return i + 1;
			}
		}
		return CHUNK_SIZES.length;
	}

	/** memcached's slabs_init: the sizes grow until the next would pass the largest chunk. */
	private static int[] chunkSizes() {
		int[] sizes = new int[64];
		int classes = 0;
		int size = SMALLEST_CHUNK;
		while (size < LARGEST_CHUNK / GROWTH_FACTOR) {
			size = (size + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
			sizes[classes++] = size;
			size = (int) (size * GROWTH_FACTOR);
		}
		sizes[classes++] = LARGEST_CHUNK;
		return Arrays.copyOf(sizes, classes);
	}

}
