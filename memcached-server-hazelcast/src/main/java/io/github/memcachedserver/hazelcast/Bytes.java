package io.github.memcachedserver.hazelcast;

final class Bytes {

	static final byte[] EMPTY = new byte[0];

	private Bytes() {
	}

	static byte[] concat(byte[] first, byte[] second) {
		byte[] joined = new byte[first.length + second.length];
		System.arraycopy(first, 0, joined, 0, first.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

}
