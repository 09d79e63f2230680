package io.github.memcachedserver.conformance;

import java.util.List;
import java.util.Set;

/**
 * One scripted exchange: the request is sent as {@code writes} (separate TCP writes, with
 * {@code pausesMillis[i]} before write {@code i}) on a fresh connection to a fresh server.
 *
 * @param file the {@code .cases} file
 * @param line line of the {@code ===} header
 * @param name unique case name
 * @param writes the request, one entry per TCP write
 * @param pausesMillis pause before each write (index 0 unused)
 * @param deviation reason of a deliberate deviation from memcached 1.6.18, or {@code null}
 * @param expected for a deviation: the bytes our server must send (memcached 1.6.45's bytes)
 * @param expectedClosed for a deviation: whether our server must close the connection, or
 * {@code null} to require the same as the reference
 * @param compareStats compare {@code STAT} blocks by field names and deterministic values
 * @param ignoredStats counters whose value memcached does not determine in this script (e.g.
 * {@code curr_items} after {@code flush_all}, which memcached's background LRU maintainer may
 * or may not have reclaimed yet)
 * @param login the one user both servers require to log in, or {@code null}
 * @param endInput whether the client shuts down its sending side after the last write
 */
record DifferentialCase(String file, int line, String name, List<byte[]> writes, List<Integer> pausesMillis,
		String deviation, byte[] expected, Boolean expectedClosed, boolean compareStats,
		Set<String> ignoredStats, Login login, boolean endInput) {

	boolean isDeviation() {
		return this.deviation != null;
	}

	byte[] request() {
		int total = 0;
		for (byte[] w : this.writes) {
			total += w.length;
		}
		byte[] all = new byte[total];
		int at = 0;
		for (byte[] w : this.writes) {
			System.arraycopy(w, 0, all, at, w.length);
			at += w.length;
		}
		return all;
	}

	@Override
	public String toString() {
		return this.name;
	}

}
