package io.github.memcachedserver.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The CPU time the process has used in user and in system mode, as memcached reports it
 * ({@code rusage_user}, {@code rusage_system}: seconds and microseconds, from
 * {@code getrusage}). The JVM tells only the sum, so it is read from Linux's
 * {@code /proc/self/stat}; elsewhere there is none.
 */
final class ProcessCpuTime {

	private static final Path STAT = Path.of("/proc/self/stat");

	/** Linux reports these in USER_HZ, 100 per second on every architecture it supports. */
	private static final int TICKS_PER_SECOND = 100;

	/** {@code utime} is the 14th field, {@code stime} the 15th; the 3rd follows the name. */
	private static final int UTIME_AFTER_NAME = 11;

	private final long userTicks;

	private final long systemTicks;

	private ProcessCpuTime(long userTicks, long systemTicks) {
		this.userTicks = userTicks;
		this.systemTicks = systemTicks;
	}

	/**
	 * Reads the process's CPU time now.
	 * @return it, or {@code null} where {@code /proc/self/stat} cannot be read
	 */
	static @Nullable ProcessCpuTime now() {
		try {
			String stat = Files.readString(STAT, StandardCharsets.US_ASCII);
			// the name, in parentheses, may hold spaces and parentheses itself
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return new ProcessCpuTime(Long.parseLong(fields[UTIME_AFTER_NAME]),
					Long.parseLong(fields[UTIME_AFTER_NAME + 1]));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	String user() {
		return timeval(this.userTicks);
	}

	String system() {
		return timeval(this.systemTicks);
	}

	/** memcached's {@code %ld.%06ld}. */
	private static String timeval(long ticks) {
		long micros = ticks * (1_000_000 / TICKS_PER_SECOND);
		return (micros / 1_000_000) + "." + String.format("%06d", micros % 1_000_000);
	}

}
