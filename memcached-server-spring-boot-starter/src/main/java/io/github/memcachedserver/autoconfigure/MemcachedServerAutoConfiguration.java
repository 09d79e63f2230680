package io.github.memcachedserver.autoconfigure;

import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.server.ListenAddress;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of a memcached endpoint: the built-in store unless the application
 * defines a {@link MemcachedCommandHandler}, and a {@link MemcachedServer} started and
 * stopped with the application context.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "memcached.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MemcachedServerProperties.class)
public final class MemcachedServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(MemcachedCommandHandler.class)
	ConcurrentMapMemcachedStore memcachedStore(MemcachedServerProperties properties) {
		return ConcurrentMapMemcachedStore.builder()
			.memoryLimit(properties.getStore().getMemoryLimit().toBytes())
			.maxItemSize((int) properties.getMaxItemSize().toBytes())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	MemcachedServer memcachedServer(MemcachedServerProperties properties, MemcachedCommandHandler handler) {
		MemcachedServer.Builder builder = MemcachedServer.builder()
			.handler(handler)
			.maxConnections(properties.getMaxConnections())
			.threads(properties.getThreads())
			.idleTimeout(properties.getIdleTimeout())
			.maxItemSize((int) properties.getMaxItemSize().toBytes());
		for (String address : properties.getListen()) {
			builder.listen(ListenAddress.parse(address));
		}
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	MemcachedServerLifecycle memcachedServerLifecycle(MemcachedServer server) {
		return new MemcachedServerLifecycle(server);
	}

}
