package io.github.memcachedserver.autoconfigure;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.MemcachedServerBuilder;

/**
 * Customizes the {@link MemcachedServer} the auto-configuration builds; applied in
 * {@link org.springframework.core.Ordered order} after the properties.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface MemcachedServerCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the server builder
	 */
	void customize(MemcachedServerBuilder builder);

}
