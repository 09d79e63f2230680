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
		// the state stays in this frame once the rounds are inlined
		long[] v = { 0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1, 0x6c7967656e657261L ^ k0,
				0x7465646279746573L ^ k1 };
		int whole = data.length & ~7;
		for (int i = 0; i < whole; i += 8) {
			compress(v, (long) LONGS.get(data, i));
		}
		long last = ((long) data.length) << 56;
		for (int i = whole; i < data.length; i++) {
			last |= (data[i] & 0xffL) << (8 * (i - whole));
		}
		compress(v, last);
		v[2] ^= 0xff;
		for (int round = 0; round < 4; round++) {
			sipRound(v);
		}
		return v[0] ^ v[1] ^ v[2] ^ v[3];
	}

	/** Takes in one 8-byte word: two rounds. */
	private static void compress(long[] v, long word) {
		v[3] ^= word;
		sipRound(v);
		sipRound(v);
		v[0] ^= word;
	}

	private static void sipRound(long[] v) {
		v[0] += v[1];
		v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
		v[0] = Long.rotateLeft(v[0], 32);
		v[2] += v[3];
		v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
		v[0] += v[3];
		v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
		v[2] += v[1];
		v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
		v[2] = Long.rotateLeft(v[2], 32);
	}

}
