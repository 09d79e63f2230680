package io.github.memcachedserver.sample.product;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The pieces behind {@link ProductMemcachedHandler}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class ProductConfiguration {

	@Bean
	ProductRepository productRepository(DatabaseClient databaseClient) {
		return new ProductRepository(databaseClient);
	}

	@Bean
	ProductJson productJson(JsonMapper jsonMapper) {
		return new ProductJson(jsonMapper);
	}

}
