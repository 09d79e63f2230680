package io.github.memcachedserver.autoconfigure.metrics;

import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.metrics.MemcachedServerMetrics;
import io.github.memcachedserver.server.MemcachedServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Publishes the memcached server's connection, traffic and store meters
 * ({@code memcached.server.*}) to the application's {@link MeterRegistry} when Micrometer is
 * on the classpath. The commands' timer comes from their observations (see
 * {@code MemcachedServerObservationAutoConfiguration}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = MemcachedServerAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MemcachedServerMetrics.class })
@ConditionalOnBean({ MeterRegistry.class, MemcachedServer.class })
public final class MemcachedServerMetricsAutoConfiguration {

	/** A {@code MeterBinder}: Spring Boot binds it to every registry. */
	@Bean
	@ConditionalOnMissingBean
	MemcachedServerMetrics memcachedServerMetrics(MemcachedServer server) {
		return new MemcachedServerMetrics(server, Tags.empty());
	}

}
