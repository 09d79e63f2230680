package io.github.memcachedserver.autoconfigure.observation;

import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.autoconfigure.MemcachedServerCustomizer;
import io.github.memcachedserver.observation.MemcachedObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;

/**
 * Observes every memcached command with the application's {@link ObservationRegistry}: one
 * observation per command ({@code memcached.server.commands}), which Spring Boot turns into a
 * timer when metrics are on and into a span when tracing is. A
 * {@link MemcachedObservationConvention} bean replaces its default name and key values;
 * {@code management.observations.enable.memcached=false} turns it off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = MemcachedServerAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnBean(ObservationRegistry.class)
public final class MemcachedServerObservationAutoConfiguration {

	@Bean
	MemcachedServerCustomizer memcachedServerObservationCustomizer(ObservationRegistry registry,
			ObjectProvider<MemcachedObservationConvention> convention) {
		return (builder) -> builder.observationRegistry(registry).observationConvention(convention.getIfUnique());
	}

}
