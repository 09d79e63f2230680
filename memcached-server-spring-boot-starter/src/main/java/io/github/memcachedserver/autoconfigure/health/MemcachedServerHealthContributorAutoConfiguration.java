package io.github.memcachedserver.autoconfigure.health;

import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.server.MemcachedServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code memcached} health contributor when Spring Boot's health support is on
 * the classpath; {@code management.health.memcached.enabled=false} turns it off. The
 * contributor takes its name from the bean's, as Spring Boot's own do.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = MemcachedServerAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(MemcachedServer.class)
@ConditionalOnEnabledHealthIndicator("memcached")
public final class MemcachedServerHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "memcachedHealthIndicator")
	MemcachedServerHealthIndicator memcachedHealthIndicator(MemcachedServer server) {
		return new MemcachedServerHealthIndicator(server);
	}

}
