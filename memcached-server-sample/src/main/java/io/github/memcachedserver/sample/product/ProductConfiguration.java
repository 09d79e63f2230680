package io.github.memcachedserver.sample.product;

import io.r2dbc.spi.ConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.r2dbc.ConnectionFactoryBuilder;
import org.springframework.boot.r2dbc.autoconfigure.ApplicationR2dbcScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
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

	/**
	 * Runs schema.sql and data.sql ({@code spring.sql.init.*}) over connections of their own
	 * rather than the pool's: the pool's short {@code max-acquire-time} is there to fail a
	 * command quickly while the database is away, and must not fail the start of the application
	 * on a busy machine, where opening the first connection can take longer.
	 */
	@Bean
	ApplicationR2dbcScriptDatabaseInitializer productSchemaInitializer(ConnectionFactory connectionFactory,
			Environment environment) {
		SqlInitializationProperties settings = Binder.get(environment)
			.bindOrCreate("spring.sql.init", SqlInitializationProperties.class);
		ConnectionFactory unpooled = ConnectionFactoryBuilder.derivedFrom(connectionFactory).build();
		return new ApplicationR2dbcScriptDatabaseInitializer(unpooled, settings);
	}

	@Bean
	ProductJson productJson(JsonMapper jsonMapper) {
		return new ProductJson(jsonMapper);
	}

}
