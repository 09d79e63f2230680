package io.github.memcachedserver.scaleout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Locator;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.OperationTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * memcached's own way of scaling out, over three independent instances: spymemcached's ketama
 * locator spreads the keys, each key lives on the instance the ring names and nowhere else,
 * and when an instance dies its keys miss (then move to the next instance on the ring) while
 * the other instances' keys stay.
 */
class KetamaClientHashingIntegrationTests {

	private static final int KEYS = 300;

	@Test
	void keysSpreadOverTheRingAndADeadInstanceLosesOnlyItsOwn() throws Exception {
		try (Instances instances = new Instances(3)) {
			MemcachedClient ketama = ketama(instances.addresses());
			try {
				List<String> keys = IntStream.range(0, KEYS).mapToObj((i) -> "user:" + i).toList();
				for (String key : keys) {
					assertThat(ketama.set(key, 0, "value-of-" + key).get()).isTrue();
				}
				Map<Integer, List<String>> owned = new HashMap<>();
				for (String key : keys) {
					InetSocketAddress owner = (InetSocketAddress) ketama.getNodeLocator().getPrimary(key).getSocketAddress();
					owned.computeIfAbsent(instances.indexOf(owner), (i) -> new ArrayList<>()).add(key);
				}
				assertThat(owned).as("every instance owns a share of the keys").hasSize(3)
					.allSatisfy((instance, share) -> assertThat(share).hasSizeGreaterThan(KEYS / 10));
				for (int i = 0; i < 3; i++) {
					MemcachedClient direct = new MemcachedClient(instances.addresses().get(i));
					try {
						assertThat(direct.getBulk(keys).keySet()).as("keys stored on instance " + i)
							.containsExactlyInAnyOrderElementsOf(owned.get(i));
					}
					finally {
						direct.shutdown();
					}
				}

				instances.get(1).stop();
				awaitMiss(ketama, owned.get(1).get(0));
				for (String key : owned.get(1)) {
					assertThat(servedValue(ketama, key)).as(key + " lived on the dead instance").isNull();
				}
				for (int survivor : List.of(0, 2)) {
					for (String key : owned.get(survivor)) {
						assertThat(ketama.get(key)).isEqualTo("value-of-" + key);
					}
				}
				String moved = owned.get(1).get(0);
				assertThat(ketama.set(moved, 0, "rewritten").get()).isTrue();
				assertThat(ketama.get(moved)).isEqualTo("rewritten");
			}
			finally {
				ketama.shutdown();
			}
		}
	}

	private static MemcachedClient ketama(List<InetSocketAddress> addresses) throws IOException {
		return new MemcachedClient(new ConnectionFactoryBuilder().setLocatorType(Locator.CONSISTENT)
			.setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
			// a dead instance's keys go to the next instance on the ring (memcached clients' usual setting)
			.setFailureMode(FailureMode.Redistribute)
			.setOpTimeout(2000)
			.build(), addresses);
	}

	/**
	 * The value the client gets for a key of the dead instance, or {@code null}: a miss on the
	 * next instance of the ring, or a timeout while the client retries the dead one (spymemcached
	 * does when no other node of the key's sequence is active, or while it reconnects).
	 */
	private static @Nullable Object servedValue(MemcachedClient client, String key) {
		try {
			return client.get(key);
		}
		catch (OperationTimeoutException ex) {
			return null;
		}
	}

	/** Waits until the client has noticed the instance is gone and sends its keys on along the ring. */
	private static void awaitMiss(MemcachedClient client, String key) throws InterruptedException {
		long deadline = System.nanoTime() + 20_000_000_000L;
		while (System.nanoTime() < deadline) {
			try {
				if (client.get(key) == null) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// the request in flight when the instance went away
			}
			Thread.sleep(100);
		}
		throw new AssertionError("the client kept reaching the stopped instance for " + key);
	}

}
