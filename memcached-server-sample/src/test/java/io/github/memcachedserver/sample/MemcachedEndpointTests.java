package io.github.memcachedserver.sample;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code memcached} actuator endpoint over HTTP, as the sample exposes it: its reads are
 * served, its writes are not (Spring Boot's read-only default access for this endpoint).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "memcached.server.listen=127.0.0.1:0")
class MemcachedEndpointTests {

	@Autowired
	private MemcachedServer server;

	@LocalServerPort
	private int httpPort;

	@Test
	void describesListenersConnectionsStoreAndStats() throws Exception {
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.store("set", "endpoint:read", "x")).isEqualTo("STORED");
			ActuatorClient.Response memcached = new ActuatorClient(this.httpPort).get("memcached");
			assertThat(memcached.status()).isEqualTo(200);
			assertThat(memcached.body().path("running").asBoolean()).isTrue();
			assertThat(memcached.body().path("transport").asString()).isEqualTo(this.server.transport().name());
			assertThat(memcached.body().path("listeners").get(0).asString())
				.isEqualTo("/127.0.0.1:" + this.server.port());
			assertThat(memcached.body().path("connections").asLong()).isPositive();
			assertThat(memcached.body().path("store").path("memoryLimit").asLong()).isEqualTo(64L * 1024 * 1024);
			assertThat(memcached.body().path("store").path("items").asLong()).isPositive();
			assertThat(memcached.body().path("stats").path("version").asString()).isEqualTo("1.6.18");
			assertThat(memcached.body().path("stats").path("cmd_set").asLong()).isPositive();
		}
	}

	@Test
	void readsOneStatsGroup() throws Exception {
		ActuatorClient actuator = new ActuatorClient(this.httpPort);
		ActuatorClient.Response settings = actuator.get("memcached/settings");
		assertThat(settings.status()).isEqualTo(200);
		assertThat(settings.body().path("item_size_max").asString()).isEqualTo("1048576");
		assertThat(actuator.get("memcached/no-such-group").status()).isEqualTo(404);
	}

	@Test
	void writesAreNotAllowedByDefault() throws Exception {
		ActuatorClient actuator = new ActuatorClient(this.httpPort);
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.store("set", "endpoint:kept", "x")).isEqualTo("STORED");
			assertThat(actuator.send("DELETE", "memcached/items", null).status()).isEqualTo(405);
			assertThat(actuator.send("POST", "memcached/listeners", "{\"address\":\"127.0.0.1:0\"}").status())
				.isEqualTo(405);
			assertThat(client.send("get endpoint:kept\r\n")).hasSize(3);
		}
		assertThat(this.server.boundAddresses()).hasSize(1);
	}

}
