package io.github.memcachedserver.auth;

import org.jspecify.annotations.Nullable;

/**
 * Implemented by an authenticator that holds its users' passwords in clear, as
 * memcached's own password files do. It lets the server offer SASL CRAM-MD5 as well as
 * PLAIN: a challenge-response mechanism needs the password itself to check the answer.
 * spymemcached's and xmemcached's {@code typical} credentials try CRAM-MD5 first.
 *
 * @since 0.1.0
 */
public interface PasswordLookup {

	/**
	 * Returns a user's password.
	 * @param username the user name
	 * @return the password, or {@code null} for an unknown user
	 */
	@Nullable String passwordOf(String username);

}
