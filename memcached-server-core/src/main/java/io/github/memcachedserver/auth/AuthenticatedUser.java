package io.github.memcachedserver.auth;

import java.security.Principal;

/**
 * A principal known only by its user name, as the built-in authenticators produce.
 *
 * @param name the user name
 * @since 0.1.0
 */
public record AuthenticatedUser(String name) implements Principal {

	@Override
	public String getName() {
		return this.name;
	}

}
