package io.github.memcachedserver.sample;

import java.net.InetSocketAddress;

import io.github.memcachedserver.server.MemcachedServer;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "memcached.server.listen=127.0.0.1:0")
class SampleMemcachedApplicationTests {

	@Autowired
	private MemcachedServer server;

	@Test
	void servesMemcachedToARealClient() throws Exception {
		MemcachedClient client = new MemcachedClient(new InetSocketAddress("127.0.0.1", this.server.port()));
		try {
			assertThat(client.set("greeting", 0, "hello").get()).isTrue();
			assertThat(client.get("greeting")).isEqualTo("hello");
			assertThat(client.incr("missing", 1)).isEqualTo(-1);
		}
		finally {
			client.shutdown();
		}
	}

}
