package io.github.memcachedserver.sample;

import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application against a database that goes away and comes back: H2 served over TCP by a
 * server this test stops and restarts (the in-memory database itself outlives the server, as
 * a real database's data outlives a network outage).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "memcached.server.listen=127.0.0.1:0")
@DirtiesContext
class ProductDatabaseOutageTests {

	private static int databasePort;

	private static Server database;

	@Autowired
	private MemcachedServer server;

	@LocalServerPort
	private int httpPort;

	@DynamicPropertySource
	static void databaseOverTcp(DynamicPropertyRegistry registry) throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			databasePort = socket.getLocalPort();
		}
		startDatabase();
		// r2dbc-h2 takes a raw H2 URL as the "url" option when the R2DBC URL has no protocol.
		registry.add("spring.r2dbc.url", () -> "r2dbc:h2:///outage");
		registry.add("spring.r2dbc.properties.url",
				() -> "tcp://127.0.0.1:" + databasePort + "/mem:outage;DB_CLOSE_DELAY=-1");
	}

	private static void startDatabase() throws SQLException {
		database = Server.createTcpServer("-tcpPort", Integer.toString(databasePort), "-ifNotExists").start();
	}

	@AfterAll
	static void stopDatabase() {
		if (database != null) {
			database.stop();
		}
	}

	@Test
	void answersServerErrorWhileTheDatabaseIsDownThenRecovers() throws Exception {
		ActuatorClient actuator = new ActuatorClient(this.httpPort);
		// while the database is down a command waits for the pool's acquire and connect times
		// (3 s each) before it fails: longer than the client's default read timeout
		try (MemcachedTestClient client = MemcachedTestClient.connect("127.0.0.1", this.server.port(),
				Duration.ofSeconds(30))) {
			assertThat(client.send("get product:1\r\n")).hasSize(3).endsWith("END");
			assertThat(actuator.get("health").component("r2dbc")).isEqualTo("UP");

			database.stop();

			assertThat(client.send("get product:1\r\n")).containsExactly("SERVER_ERROR database unavailable");
			assertThat(client.store("set", "product:1", "{\"name\":\"Espresso cup\",\"price\":5}"))
				.isEqualTo("SERVER_ERROR database unavailable");
			assertThat(client.send("delete product:2\r\n")).containsExactly("SERVER_ERROR database unavailable");
			// The same connection still works, and the keys of the built-in store are unaffected.
			assertThat(client.store("set", "greeting", "hello")).isEqualTo("STORED");
			assertThat(client.send("get greeting\r\n")).containsExactly("VALUE greeting 0 5", "hello", "END");
			ActuatorClient.Response health = actuator.get("health");
			assertThat(health.status()).isEqualTo(503);
			assertThat(health.body().path("status").asString()).isEqualTo("DOWN");
			assertThat(health.component("r2dbc")).isEqualTo("DOWN");
			assertThat(health.component("memcached")).isEqualTo("UP");

			startDatabase();

			await().atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(200))
				.untilAsserted(() -> assertThat(actuator.get("health").status()).isEqualTo(200));
			await().atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(200))
				.untilAsserted(() -> assertThat(client.send("get product:1\r\n")).hasSize(3).endsWith("END"));
			assertThat(client.store("set", "product:1", "{\"name\":\"Espresso cup\",\"price\":5}")).isEqualTo("STORED");
			assertThat(client.send("gets product:1\r\n")).containsExactly("VALUE product:1 0 43 2",
					"{\"id\":1,\"name\":\"Espresso cup\",\"price\":5.00}", "END");
			assertThat(actuator.get("health").component("r2dbc")).isEqualTo("UP");
		}
	}

}
