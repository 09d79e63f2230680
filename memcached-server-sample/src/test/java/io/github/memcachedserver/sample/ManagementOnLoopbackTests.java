package io.github.memcachedserver.sample;

import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's actuator stays on loopback when given a port of its own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "memcached.server.listen=127.0.0.1:0", "management.server.port=0" })
class ManagementOnLoopbackTests {

	@Value("${local.management.port}")
	private int managementPort;

	@Value("${management.server.address}")
	private String managementAddress;

	@Test
	void aSeparateManagementPortListensOnLoopbackOnly() throws Exception {
		assertThat(this.managementAddress).isEqualTo("127.0.0.1");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.managementPort), 2000);
			assertThat(socket.isConnected()).isTrue();
		}
	}

	@Test
	void anAddressTheUserGivesWins() {
		MockEnvironment environment = new MockEnvironment().withProperty("management.server.port", "9000")
			.withProperty("management.server.address", "0.0.0.0");
		new ManagementOnLoopback().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("management.server.address")).isEqualTo("0.0.0.0");
	}

	@Test
	void withoutAPortOfItsOwnNothingIsSet() {
		MockEnvironment environment = new MockEnvironment();
		new ManagementOnLoopback().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.containsProperty("management.server.address")).isFalse();
	}

}
