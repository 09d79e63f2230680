package io.github.memcachedserver.auth;

import java.security.Principal;

import reactor.core.publisher.Mono;

/**
 * Checks the credentials a client presents: the user and password of SASL PLAIN on a
 * binary connection, or of the first {@code set} on a text connection (memcached's
 * {@code -Y} authentication). With an authenticator configured, every connection must
 * authenticate before its other commands are served.
 * <p>
 * Any source of users fits behind it: a map from configuration
 * ({@link InMemoryAuthenticator}), a memcached auth file, a database, or Spring
 * Security's {@code ReactiveAuthenticationManager}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface MemcachedAuthenticator {

	/**
	 * Checks one pair of credentials.
	 * @param username the user name as the client sent it
	 * @param password the password as the client sent it
	 * @return the authenticated principal, which the connection's
	 * {@link io.github.memcachedserver.handler.Session} then carries; empty when the
	 * credentials are wrong; an error when they cannot be checked now
	 */
	Mono<? extends Principal> authenticate(String username, String password);

}
