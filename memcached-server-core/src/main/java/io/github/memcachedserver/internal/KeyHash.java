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
		// the state in four locals, not an array: the JIT keeps it in registers
		long v0 = 0x736f6d6570736575L ^ k0;
		long v1 = 0x646f72616e646f6dL ^ k1;
		long v2 = 0x6c7967656e657261L ^ k0;
		long v3 = 0x7465646279746573L ^ k1;
		int whole = data.length & ~7;
		long last = ((long) data.length) << 56;
		for (int i = whole; i < data.length; i++) {
			last |= (data[i] & 0xffL) << (8 * (i - whole));
		}
		// each 8-byte word (the last one carries the length) goes in over two rounds, then four finish
		int compression = 2 * (whole / 8 + 1);
		long word = 0;
		for (int round = 0; round < compression + 4; round++) {
			if (round < compression && (round & 1) == 0) {
				int at = 4 * round;
				word = (at < whole) ? (long) LONGS.get(data, at) : last;
				v3 ^= word;
			}
			else if (round == compression) {
				v2 ^= 0xff;
			}
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
			if (round < compression && (round & 1) == 1) {
				v0 ^= word;
			}
		}
		return v0 ^ v1 ^ v2 ^ v3;
	}

}
