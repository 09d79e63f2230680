package io.github.memcachedserver.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Authenticates against a fixed set of users and passwords, from configuration or from a
 * memcached auth file ({@code -Y}: one {@code user:password} per line).
 *
 * @since 0.1.0
 */
public final class InMemoryAuthenticator implements MemcachedAuthenticator, PasswordLookup {

	private final Map<String, byte[]> passwords;

	private InMemoryAuthenticator(Map<String, String> passwords) {
		this.passwords = new LinkedHashMap<>();
		passwords.forEach((user, password) -> this.passwords.put(user, password.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Creates an authenticator for the given users.
	 * @param passwords each user's password
	 * @return the authenticator
	 * @throws IllegalArgumentException when there is no user, or a name or password is empty
	 */
	public static InMemoryAuthenticator of(Map<String, String> passwords) {
		if (passwords.isEmpty()) {
			throw new IllegalArgumentException("At least one user is needed");
		}
		passwords.forEach((user, password) -> {
			if (user.isEmpty() || password == null || password.isEmpty()) {
				throw new IllegalArgumentException("User '" + user + "' needs a non-empty name and password");
			}
		});
		return new InMemoryAuthenticator(passwords);
	}

	/**
	 * Creates an authenticator for the users of a memcached auth file.
	 * @param file the file
	 * @return the authenticator
	 * @throws IOException when the file cannot be read
	 * @throws IllegalArgumentException when a line is not {@code user:password}
	 * @see #readAuthFile(Path)
	 */
	public static InMemoryAuthenticator fromAuthFile(Path file) throws IOException {
		return of(readAuthFile(file));
	}

	/**
	 * Reads a memcached auth file: one {@code user:password} per line, the password being
	 * everything after the first colon; blank lines are skipped.
	 * @param file the file
	 * @return each user's password, in file order
	 * @throws IOException when the file cannot be read
	 * @throws IllegalArgumentException when a line is not {@code user:password}
	 */
	public static Map<String, String> readAuthFile(Path file) throws IOException {
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		Map<String, String> passwords = new LinkedHashMap<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).strip();
			if (line.isEmpty()) {
				continue;
			}
			int colon = line.indexOf(':');
			if (colon <= 0 || colon == line.length() - 1) {
				throw new IllegalArgumentException(
						"Line " + (i + 1) + " of auth file " + file + " is not user:password");
			}
			passwords.put(line.substring(0, colon), line.substring(colon + 1));
		}
		return passwords;
	}

	@Override
	public Mono<AuthenticatedUser> authenticate(String username, String password) {
		byte[] expected = this.passwords.get(username);
		// compared in constant time, so the answer's timing does not tell how much matched
		boolean matches = MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
				(expected != null) ? expected : new byte[0]);
		return (expected != null && matches) ? Mono.just(new AuthenticatedUser(username)) : Mono.empty();
	}

	@Override
	public @Nullable String passwordOf(String username) {
		byte[] password = this.passwords.get(username);
		return (password != null) ? new String(password, StandardCharsets.UTF_8) : null;
	}

}
