package io.github.memcachedserver.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * The hash of a key's bytes: SipHash-2-4 under a secret drawn when the JVM starts. A client
 * cannot build keys that collide in the store's table (as it can with {@code Arrays.hashCode},
 * where "Aa" and "BB" collide in every position), so many keys never share a chain or a tag.
 */
public final class KeyHash {

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long K0;

	private static final long K1;

	static {
		SecureRandom random = new SecureRandom();
		K0 = random.nextLong();
		K1 = random.nextLong();
	}

	private KeyHash() {
	}

	/**
	 * Returns the hash of a key.
	 * @param key the key bytes
	 * @return 32 bits of its SipHash under this JVM's secret
	 */
	public static int of(byte[] key) {
		long hash = sipHash24(K0, K1, key);
		return (int) (hash ^ (hash >>> 32));
	}

	/** SipHash-2-4 (Aumasson and Bernstein, 2012) of {@code data} under the key {@code k0, k1}. */
	static long sipHash24(long k0, long k1, byte[] data) {
		// the state is four locals, not an array: C2 does not scalar-replace an array used across
		// this loop, and a 48-byte allocation per key was most of what a get allocated
		long v0 = 0x736f6d6570736575L ^ k0;
		long v1 = 0x646f72616e646f6dL ^ k1;
		long v2 = 0x6c7967656e657261L ^ k0;
		long v3 = 0x7465646279746573L ^ k1;
		int whole = data.length & ~7;
		// every 8-byte word, then the last word (the length and the remaining bytes), take two
		// rounds each; the finalization (step == whole + 8) takes four
		for (int step = 0; step <= whole + 8; step += 8) {
			boolean finalization = step > whole;
			long word = (step < whole) ? (long) LONGS.get(data, step) : finalization ? 0 : lastWord(data, whole);
			if (finalization) {
				v2 ^= 0xff;
			}
			else {
				v3 ^= word;
			}
			for (int round = (finalization ? 4 : 2); round > 0; round--) {
				v0 += v1;
				v1 = Long.rotateLeft(v1, 13) ^ v0;
				v0 = Long.rotateLeft(v0, 32);
				v2 += v3;
				v3 = Long.rotateLeft(v3, 16) ^ v2;
				v0 += v3;
				v3 = Long.rotateLeft(v3, 21) ^ v0;
				v2 += v1;
				v1 = Long.rotateLeft(v1, 17) ^ v2;
				v2 = Long.rotateLeft(v2, 32);
			}
			if (!finalization) {
				v0 ^= word;
			}
		}
		return v0 ^ v1 ^ v2 ^ v3;
	}

	/** The bytes after the last whole word, little-endian, with the length in the top byte. */
	private static long lastWord(byte[] data, int whole) {
		long last = ((long) data.length) << 56;
		for (int i = whole; i < data.length; i++) {
			last |= (data[i] & 0xffL) << (8 * (i - whole));
		}
		return last;
	}

}
