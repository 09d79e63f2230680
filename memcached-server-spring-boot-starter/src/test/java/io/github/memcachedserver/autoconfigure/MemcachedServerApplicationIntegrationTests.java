package io.github.memcachedserver.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.server.MemcachedServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = { "memcached.server.listen=127.0.0.1:0", "management.endpoint.health.show-details=always" })
class MemcachedServerApplicationIntegrationTests {

	@Autowired
	private MemcachedServer server;

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private HealthEndpoint health;

	@LocalMemcachedServerPort
	private int port;

	private MemcachedClient client;

	@BeforeEach
	void connect() throws Exception {
		this.client = new MemcachedClient(new InetSocketAddress("127.0.0.1", this.port));
	}

	@AfterEach
	void disconnect() {
		this.client.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
	}

	@Test
	void aGetMissCountsExactlyOneMiss() {
		double before = count("get", "miss");
		assertThat(this.client.get("absent-key")).isNull();
		assertThat(count("get", "miss")).isEqualTo(before + 1);
	}

	@Test
	void prefixedKeysReachTheHandlerAndOthersTheStore() throws Exception {
		assertThat(this.client.get("greeting:world")).isEqualTo("hello world");
		assertThat(this.client.set("plain", 0, "value").get()).isTrue();
		assertThat(this.client.get("plain")).isEqualTo("value");
		assertThat(count("set", "stored")).isGreaterThanOrEqualTo(1);
		assertThat(this.registry.get("memcached.server.store.items").gauge().value()).isGreaterThanOrEqualTo(1);
		assertThat(this.registry.get("memcached.server.connections.active").gauge().value()).isGreaterThanOrEqualTo(1);
		assertThat(this.registry.get("memcached.server.bytes.received").functionCounter().count()).isPositive();
	}

	@Test
	void healthIsUpWithTheBoundAddress() {
		assertThat(this.health.healthForPath("memcached").getStatus().getCode()).isEqualTo("UP");
		assertThat(this.server.port()).isEqualTo(this.port);
	}

	private double count(String command, String result) {
		Timer timer = this.registry.find("memcached.server.commands").tag("command", command).tag("outcome", result).timer();
		return (timer != null) ? timer.count() : 0;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		@MemcachedHandler(prefix = "greeting:")
		MemcachedCommandHandler greetings() {
			return new MemcachedCommandHandler() {

				@Override
				public Mono<Item> get(Session session, Key key) {
					String name = key.toString().substring("greeting:".length());
					return Mono.delay(Duration.ofMillis(5)).thenReturn(Item.of(("hello " + name).getBytes()));
				}

				@Override
				public Mono<StoreResult> set(Session session, Key key, Entry entry) {
					return Mono.just(StoreResult.NOT_STORED);
				}

				@Override
				public Mono<Boolean> delete(Session session, Key key) {
					return Mono.just(false);
				}

			};
		}

	}

}
