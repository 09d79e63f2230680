package io.github.memcachedserver.sample;

import java.net.InetSocketAddress;

import io.github.memcachedserver.autoconfigure.LocalMemcachedServerPort;
import io.github.memcachedserver.autoconfigure.MemcachedServerLifecycle;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "memcached.server.listen=127.0.0.1:0")
class SampleMemcachedApplicationTests {

	@Autowired
	private MemcachedServer server;

	@LocalServerPort
	private int httpPort;

	@LocalMemcachedServerPort
	private int memcachedPort;

	@Autowired
	private ApplicationContext context;

	@Test
	void listeningOnPortZeroGivesMemcachedARandomPortOfItsOwn() {
		assertThat(this.memcachedPort).isPositive().isEqualTo(this.server.port()).isNotEqualTo(this.httpPort);
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.memcachedPort)) {
			assertThat(client.send("version\r\n")).containsExactly("VERSION 1.6.18");
		}
	}

	@Test
	void servesKeysOutsideTheProductPrefixFromTheBuiltInStore() throws Exception {
		MemcachedClient client = new MemcachedClient(new InetSocketAddress("127.0.0.1", this.server.port()));
		try {
			assertThat(client.set("greeting", 0, "hello").get()).isTrue();
			assertThat(client.get("greeting")).isEqualTo("hello");
			assertThat(client.incr("missing", 1)).isEqualTo(-1);
			assertThat(client.set("counter", 0, "41").get()).isTrue();
			assertThat(client.incr("counter", 1)).isEqualTo(42);
			assertThat(client.append(0, "greeting", ", world").get()).isTrue();
			assertThat(client.get("greeting")).isEqualTo("hello, world");
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void flushAllEmptiesTheStoreButLeavesTheTableAlone() throws Exception {
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.store("set", "scratch", "x")).isEqualTo("STORED");
			assertThat(client.send("flush_all\r\n")).containsExactly("OK");
			assertThat(client.send("get scratch\r\n")).containsExactly("END");
			assertThat(client.send("get product:1\r\n")).hasSize(3).startsWith("VALUE product:1 0 43");
		}
	}

	@Test
	void servesHealthAndMetricsOverHttpOnItsOwnPort() throws Exception {
		assertThat(this.httpPort).isNotEqualTo(this.server.port());
		ActuatorClient actuator = new ActuatorClient(this.httpPort);
		ActuatorClient.Response health = actuator.get("health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.body().path("status").asString()).isEqualTo("UP");
		assertThat(health.component("r2dbc")).isEqualTo("UP");
		assertThat(health.component("memcached")).isEqualTo("UP");
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.send("get product:1\r\n")).hasSize(3);
		}
		ActuatorClient.Response metrics = actuator.get("metrics");
		assertThat(metrics.body().path("names").values()).extracting((name) -> name.asString())
			.contains("memcached.server.commands", "memcached.server.connections", "r2dbc.pool.acquired");
		ActuatorClient.Response gets = actuator.get("metrics/memcached.server.commands?tag=command:get&tag=outcome:hit");
		assertThat(gets.status()).isEqualTo(200);
		assertThat(gets.body().path("measurements").get(0).path("value").asDouble()).isPositive();
	}

	@Test
	void memcachedStopsAfterTheWebServerStopsAcceptingAndBeforeTheWebServerStops() {
		int memcached = this.context.getBean(MemcachedServerLifecycle.class).getPhase();
		int webServerGracefulShutdown = this.context.getBean("webServerGracefulShutdown", SmartLifecycle.class).getPhase();
		int webServerStartStop = this.context.getBean("webServerStartStop", SmartLifecycle.class).getPhase();
		// the higher phase stops first
		assertThat(memcached).isLessThan(webServerGracefulShutdown).isGreaterThan(webServerStartStop);
	}

}
