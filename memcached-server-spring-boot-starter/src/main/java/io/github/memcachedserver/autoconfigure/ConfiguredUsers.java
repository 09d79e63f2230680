package io.github.memcachedserver.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.github.memcachedserver.auth.MemcachedAuthenticator;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The users of {@code memcached.server.auth.*}: those listed under {@code users} and those
 * of the auth {@code file}.
 */
final class ConfiguredUsers {

	private ConfiguredUsers() {
	}

	/**
	 * Returns an authenticator for the configured users.
	 * @return the authenticator, or {@code null} when no user is configured
	 */
	static @Nullable MemcachedAuthenticator authenticator(MemcachedServerProperties.Auth auth) {
		Map<String, String> users = new LinkedHashMap<>();
		Path file = auth.getFile();
		if (file != null) {
			try {
				users.putAll(InMemoryAuthenticator.readAuthFile(file));
			}
			catch (IOException | IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("memcached.server.auth.file", file,
						"cannot be read as user:password lines (" + ex.getMessage() + ")");
			}
		}
		users.putAll(auth.getUsers());
		if (users.isEmpty()) {
			return null;
		}
		try {
			return InMemoryAuthenticator.of(users);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("memcached.server.auth.users", users.keySet(),
					ex.getMessage());
		}
	}

}
