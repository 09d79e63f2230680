package io.github.memcachedserver.autoconfigure.endpoint;

import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.server.MemcachedServer;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@code memcached} actuator endpoint when Spring Boot's actuator is on the
 * classpath and the endpoint is available (exposed and not switched off): like every endpoint
 * but {@code health}, it must be exposed ({@code management.endpoints.web.exposure.include}),
 * and its writes need {@code management.endpoint.memcached.access=unrestricted}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = MemcachedServerAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(MemcachedServer.class)
@ConditionalOnAvailableEndpoint(MemcachedServerEndpoint.class)
public final class MemcachedServerEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MemcachedServerEndpoint memcachedServerEndpoint(MemcachedServer server) {
		return new MemcachedServerEndpoint(server);
	}

}
