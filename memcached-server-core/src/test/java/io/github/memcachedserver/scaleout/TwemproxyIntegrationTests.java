package io.github.memcachedserver.scaleout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.memcachedserver.testing.ExternalTool;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * twemproxy (Debian's {@code nutcracker}) in front of two independent instances: clients see one
 * memcached, the proxy spreads the keys by ketama and splits multi-key gets, and every command
 * the proxy forwards gets the answer memcached would give.
 */
class TwemproxyIntegrationTests {

	private static final Path NUTCRACKER = Paths.get("/usr/sbin/nutcracker");

	@Test
	void twoInstancesBehindTheProxyServeAsOneMemcached(@TempDir Path directory) throws Exception {
		ExternalTool.require(Files.isExecutable(NUTCRACKER), "nutcracker");
		try (Instances instances = new Instances(2)) {
			int proxyPort = freePort();
			Path config = directory.resolve("nutcracker.yml");
			Files.writeString(config, String.join("\n", "memcached:", "  listen: 127.0.0.1:" + proxyPort,
					"  hash: fnv1a_64", "  distribution: ketama", "  timeout: 2000", "  auto_eject_hosts: false",
					"  servers:", "    - 127.0.0.1:" + instances.get(0).port() + ":1 one",
					"    - 127.0.0.1:" + instances.get(1).port() + ":1 two", ""));
			Process proxy = new ProcessBuilder(NUTCRACKER.toString(), "-c", config.toString(), "-s",
					Integer.toString(freePort()), "-a", "127.0.0.1", "-p", directory.resolve("pid").toString(), "-o",
					directory.resolve("log").toString())
				.start();
			try {
				awaitListening(proxyPort);
				MemcachedClient client = new MemcachedClient(new InetSocketAddress("127.0.0.1", proxyPort));
				try {
					List<String> keys = IntStream.range(0, 200).mapToObj((i) -> "session:" + i).toList();
					for (String key : keys) {
						assertThat(client.set(key, 0, "v-" + key).get()).isTrue();
					}
					// one multi-key get, which the proxy splits over the instances and joins again
					Map<String, Object> all = client.getBulk(keys);
					assertThat(all).hasSize(keys.size()).allSatisfy((key, value) -> assertThat(value).isEqualTo("v-" + key));
					long first = itemsOn(instances, 0);
					long second = itemsOn(instances, 1);
					assertThat(first + second).isEqualTo(keys.size());
					assertThat(first).as("keys on the first instance").isBetween(20L, 180L);

					CASValue<Object> read = client.gets("session:7");
					assertThat(client.cas("session:7", read.getCas(), "changed")).isEqualTo(CASResponse.OK);
					assertThat(client.cas("session:7", read.getCas(), "stale")).isEqualTo(CASResponse.EXISTS);
					assertThat(client.set("hits", 0, "10").get()).isTrue();
					assertThat(client.incr("hits", 5)).isEqualTo(15);
					assertThat(client.append("session:8", "+tail").get()).isTrue();
					assertThat(client.get("session:8")).isEqualTo("v-session:8+tail");
					assertThat(client.delete("session:9").get()).isTrue();
					assertThat(client.get("session:9")).isNull();
				}
				finally {
					client.shutdown();
				}
			}
			finally {
				proxy.destroy();
				proxy.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	private static long itemsOn(Instances instances, int index) throws Exception {
		MemcachedClient direct = new MemcachedClient(instances.addresses().get(index));
		try {
			return Long.parseLong(direct.getStats().values().iterator().next().get("curr_items"));
		}
		finally {
			direct.shutdown();
		}
	}

	private static void awaitListening(int port) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return;
			}
			catch (java.io.IOException ex) {
				Thread.sleep(50);
			}
		}
		throw new AssertionError("nutcracker did not listen on " + port);
	}

	private static int freePort() throws java.io.IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
