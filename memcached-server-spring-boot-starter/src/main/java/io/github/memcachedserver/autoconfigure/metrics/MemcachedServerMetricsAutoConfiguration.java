package io.github.memcachedserver.autoconfigure.metrics;

import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.autoconfigure.MemcachedServerCustomizer;
import io.github.memcachedserver.metrics.MemcachedServerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Publishes the memcached server's meters ({@code memcached.server.*}) to the application's
 * {@link MeterRegistry} when Micrometer is on the classpath.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = MemcachedServerAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, MemcachedServerMetrics.class })
@ConditionalOnBean(MeterRegistry.class)
public final class MemcachedServerMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MemcachedServerMetrics memcachedServerMetrics(MeterRegistry registry) {
		return new MemcachedServerMetrics(registry, Tags.empty());
	}

	@Bean
	MemcachedServerCustomizer memcachedServerMetricsCustomizer(MemcachedServerMetrics metrics) {
		return (builder) -> builder.observer(metrics);
	}

}
