package io.github.memcachedserver.server;

/**
 * MurmurHash3's 32-bit x86 variant with seed 0, the hash memcached 1.6 uses by default
 * ({@code hash_algorithm murmur3}); {@link KeyPrefixStatistics} needs it to list prefixes in
 * memcached's order. Not for anything a client could flood: the seed is public.
 */
final class MurmurHash3 {

	private static final int C1 = 0xcc9e2d51;

	private static final int C2 = 0x1b873593;

	private MurmurHash3() {
	}

	/**
	 * Hashes bytes as memcached does, reading each block of four little-endian.
	 * @param data the bytes
	 * @param length how many of them, from the first
	 * @return the hash
	 */
	static int hash32(byte[] data, int length) {
		int h = 0;
		int blocksEnd = length & ~3;
		for (int i = 0; i < blocksEnd; i += 4) {
			int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | data[i + 3] << 24;
			h ^= mixBlock(k);
			h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
		}
		// the last one to three bytes, little-endian like the blocks
		int tail = 0;
		for (int i = length - 1; i >= blocksEnd; i--) {
			tail = tail << 8 | (data[i] & 0xff);
		}
		if (blocksEnd < length) {
			h ^= mixBlock(tail);
		}
		h ^= length;
		return finalMix(h);
	}

	private static int mixBlock(int k) {
		return Integer.rotateLeft(k * C1, 15) * C2;
	}

	/** Makes every input bit reach every output bit. */
	private static int finalMix(int h) {
		h ^= h >>> 16;
		h *= 0x85ebca6b;
		h ^= h >>> 13;
		h *= 0xc2b2ae35;
		h ^= h >>> 16;
		return h;
	}

}
