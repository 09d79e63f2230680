package io.github.memcachedserver.sample;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.ConnectionFactoryBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema and the seed rows do not wait for the pool: with a pool that gives up on a
 * connection after a millisecond (as a busy machine makes the first connection slow), the
 * application still starts with its table filled.
 */
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "memcached.server.listen=127.0.0.1:0", "spring.r2dbc.pool.max-acquire-time=1ms",
				"spring.r2dbc.url=r2dbc:h2:mem:///busy;DB_CLOSE_DELAY=-1" })
@DirtiesContext
class SchemaOnABusyMachineTests {

	@Autowired
	private ConnectionFactory pool;

	@Test
	void theSeedRowsAreThereAlthoughThePoolWaitsOnlyAMillisecond() {
		assertThat(this.pool).isInstanceOf(ConnectionPool.class);
		ConnectionFactory unpooled = ConnectionFactoryBuilder.derivedFrom(this.pool).build();
		assertThat(unpooled).isNotInstanceOf(ConnectionPool.class);
		Long rows = DatabaseClient.create(unpooled)
			.sql("SELECT COUNT(*) FROM product")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
		assertThat(rows).isEqualTo(5L);
	}

}
