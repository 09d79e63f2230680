package io.github.memcachedserver.autoconfigure;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.BlockingMemcachedHandler;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain blocking handler over JDBC ({@link JdbcClient} on an embedded H2), as the README
 * shows it: a real client reads, writes and deletes rows, and every call ran off the event
 * loops.
 */
@SpringBootTest(properties = { "memcached.server.listen=127.0.0.1:0", "spring.datasource.url=jdbc:h2:mem:users" })
class BlockingJdbcHandlerIntegrationTests {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private UserHandler handler;

	@LocalMemcachedServerPort
	private int port;

	private MemcachedClient client;

	@BeforeEach
	void connect() throws Exception {
		this.jdbc.sql("CREATE TABLE IF NOT EXISTS users (id VARCHAR(64) PRIMARY KEY, json VARCHAR(1000))").update();
		this.jdbc.sql("MERGE INTO users (id, json) KEY (id) VALUES ('1', '{\"name\":\"ada\"}')").update();
		this.client = new MemcachedClient(new InetSocketAddress("127.0.0.1", this.port));
	}

	@AfterEach
	void disconnect() {
		this.client.shutdown(5, TimeUnit.SECONDS);
	}

	@Test
	void aJdbcHandlerServesRowsOffTheEventLoop() throws Exception {
		assertThat(this.client.get("user:1")).isEqualTo("{\"name\":\"ada\"}");
		assertThat(this.client.set("user:2", 0, "{\"name\":\"grace\"}").get()).isTrue();
		assertThat(this.jdbc.sql("SELECT json FROM users WHERE id = '2'").query(String.class).single())
			.isEqualTo("{\"name\":\"grace\"}");
		Map<String, Object> both = this.client.getBulk("user:1", "user:2", "user:3");
		assertThat(both).containsOnlyKeys("user:1", "user:2");
		assertThat(this.client.delete("user:1").get()).isTrue();
		assertThat(this.client.get("user:1")).isNull();
		// keys no handler claims go to the built-in store, answered on the event loop
		assertThat(this.client.set("other", 0, "x").get()).isTrue();
		assertThat(this.client.get("other")).isEqualTo("x");
		assertThat(this.handler.calledOnEventLoop).isFalse();
		assertThat(this.handler.calls).isGreaterThanOrEqualTo(6);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		@MemcachedHandler(prefix = "user:")
		UserHandler userHandler(JdbcClient jdbc) {
			return new UserHandler(jdbc);
		}

	}

	static class UserHandler implements BlockingMemcachedHandler {

		private final JdbcClient jdbc;

		volatile boolean calledOnEventLoop;

		volatile int calls;

		UserHandler(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Override
		public Item get(Session session, Key key) {
			noteCall();
			return this.jdbc.sql("SELECT json FROM users WHERE id = ?")
				.param(id(key))
				.query(String.class)
				.optional()
				.map((json) -> Item.of(json.getBytes(StandardCharsets.UTF_8)))
				.orElse(null);
		}

		@Override
		public StoreResult set(Session session, Key key, Entry entry) {
			noteCall();
			this.jdbc.sql("MERGE INTO users (id, json) KEY (id) VALUES (?, ?)")
				.params(id(key), new String(entry.value(), StandardCharsets.UTF_8))
				.update();
			return StoreResult.STORED;
		}

		@Override
		public boolean delete(Session session, Key key) {
			noteCall();
			return this.jdbc.sql("DELETE FROM users WHERE id = ?").param(id(key)).update() > 0;
		}

		private void noteCall() {
			this.calls++;
			if (Thread.currentThread().getName().startsWith("memcached-")
					&& !Thread.currentThread().getName().startsWith("memcached-blocking")) {
				this.calledOnEventLoop = true;
			}
		}

		private static String id(Key key) {
			return key.toString().substring("user:".length());
		}

	}

}
