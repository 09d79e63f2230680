package io.github.memcachedserver.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With {@code management.endpoint.memcached.access=unrestricted}, the endpoint opens and
 * closes listeners and flushes the store at run time.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "memcached.server.listen=127.0.0.1:0", "management.endpoint.memcached.access=unrestricted" })
class MemcachedEndpointWriteAccessTests {

	@Autowired
	private MemcachedServer server;

	@LocalServerPort
	private int httpPort;

	@Test
	void opensAndClosesAListener() throws Exception {
		ActuatorClient actuator = new ActuatorClient(this.httpPort);
		ActuatorClient.Response opened = actuator.send("POST", "memcached/listeners", "{\"address\":\"127.0.0.1:0\"}");
		assertThat(opened.status()).isEqualTo(200);
		String address = opened.body().path("address").asString();
		int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			assertThat(client.send("version\r\n")).containsExactly("VERSION 1.6.18");
		}
		ActuatorClient.Response closed = actuator.send("DELETE", "memcached/listeners/127.0.0.1:" + port, null);
		assertThat(closed.status()).as(closed.body().toString()).isEqualTo(200);
		assertThat(closed.body().path("open").asBoolean()).isFalse();
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> MemcachedTestClient.connect(port))
			.withCauseInstanceOf(ConnectException.class);
		assertThat(actuator.send("DELETE", "memcached/listeners/127.0.0.1:" + port, null).status()).isEqualTo(400);
	}

	@Test
	void refusesAnAddressItCannotParse() throws Exception {
		ActuatorClient.Response refused = new ActuatorClient(this.httpPort).send("POST", "memcached/listeners",
				"{\"address\":\"not an address\"}");
		assertThat(refused.status()).isEqualTo(400);
	}

	@Test
	void flushesEveryItem() throws IOException, InterruptedException {
		ActuatorClient actuator = new ActuatorClient(this.httpPort);
		long flushes = actuator.get("memcached").body().path("stats").path("cmd_flush").asLong();
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.store("set", "endpoint:scratch", "x")).isEqualTo("STORED");
			assertThat(actuator.send("DELETE", "memcached/items", null).status()).isEqualTo(204);
			assertThat(client.send("get endpoint:scratch\r\n")).containsExactly("END");
		}
		assertThat(actuator.get("memcached").body().path("stats").path("cmd_flush").asLong()).isEqualTo(flushes + 1);
	}

}
