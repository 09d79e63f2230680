package io.github.memcachedserver.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The file of a unix socket listener, handled as memcached handles it: a socket a previous run
 * left behind is taken over, anything else at the path stops the listener from opening, and
 * the new socket gets the mode asked for ({@code -a}, 0700 by default) rather than what the
 * process umask leaves.
 */
final class UnixSocketFile {

	/** The file type bits of {@code st_mode}, and the type of a socket. */
	private static final int S_IFMT = 0170000;

	private static final int S_IFSOCK = 0140000;

	private UnixSocketFile() {
	}

	/**
	 * Clears the path for a new socket.
	 * @param path the socket's path
	 * @throws IOException when something that is not a socket is there
	 */
	static void prepare(Path path) throws IOException {
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		int mode = (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
		if ((mode & S_IFMT) != S_IFSOCK) {
			throw new IOException(path + " exists and is not a socket");
		}
		Files.delete(path);
	}

	/**
	 * Gives a bound socket its mode.
	 * @param path the socket's path
	 * @param mode the permission bits, e.g. {@code 0700}
	 * @throws IOException when the mode cannot be set
	 */
	static void restrict(Path path, int mode) throws IOException {
		Files.setPosixFilePermissions(path, permissions(mode));
	}

	static Set<PosixFilePermission> permissions(int mode) {
		Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] bits = PosixFilePermission.values();
		// PosixFilePermission lists owner, group, others as read, write, execute: bit 8 down to 0
		for (int i = 0; i < bits.length; i++) {
			if ((mode & (1 << (bits.length - 1 - i))) != 0) {
				permissions.add(bits[i]);
			}
		}
		return permissions;
	}

}
