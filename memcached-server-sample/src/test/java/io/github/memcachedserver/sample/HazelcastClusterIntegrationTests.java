package io.github.memcachedserver.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances of the sample application, each in a JVM of its own on loopback, on the
 * Hazelcast store ({@code memcached.server.store.type=hazelcast}): one cluster, so every
 * instance answers every key, atomically, and a killed instance loses no acknowledged write.
 * Only the ports differ from what README.md's "Running several instances" shows (and a cluster
 * name of this run's own, so that other runs on the machine stay out).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HazelcastClusterIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final List<SampleInstance> instances = new ArrayList<>();

	@BeforeAll
	static void startThreeInstances() throws IOException {
		String cluster = "memcached-test-" + UUID.randomUUID();
		int hazelcastPort = threeFreePorts();
		for (int i = 0; i < 3; i++) {
			instances.add(SampleInstance.start("hazelcast-member-" + i, "--memcached.server.store.type=hazelcast",
					"--memcached.server.store.hazelcast.cluster-name=" + cluster,
					"--memcached.server.store.hazelcast.port=" + hazelcastPort,
					// a killed member leaves the cluster once its connections fail; this bounds the wait otherwise
					"--hazelcast.max.no.heartbeat.seconds=10"));
		}
		for (SampleInstance instance : instances) {
			instance.awaitLog("Members {size:3", STARTUP).awaitLog("Started SampleMemcachedApplication", STARTUP);
		}
	}

	@AfterAll
	static void stopInstances() throws InterruptedException {
		for (SampleInstance instance : instances) {
			instance.close();
		}
	}

	@Test
	@Order(1)
	void anItemSetThroughOneInstanceIsReadThroughEveryOther() throws IOException {
		try (TextProtocolClient first = client(0)) {
			assertThat(first.storage("set", "shared", "from-first")).isEqualTo("STORED");
		}
		assertEveryInstanceAnswers("get shared\r\n", "VALUE shared 0 10", "from-first", "END");
	}

	@Test
	@Order(2)
	void twentyConnectionsIncrementingThroughAllInstancesEndAtExactly40000() throws Exception {
		try (TextProtocolClient client = client(0)) {
			assertThat(client.storage("set", "counter", "0")).isEqualTo("STORED");
		}
		ExecutorService pool = Executors.newFixedThreadPool(20);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < 20; c++) {
				int instance = c % 3;
				done.add(pool.submit(() -> {
					try (TextProtocolClient client = client(instance)) {
						// 20 pipelined batches of 100, so the test takes seconds, not minutes
						for (int batch = 0; batch < 20; batch++) {
							assertThat(client.sendPipelined("incr counter 1\r\n".repeat(100), 100))
								.allMatch((answer) -> answer.matches("\\d+"));
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertEveryInstanceAnswers("get counter\r\n", "VALUE counter 0 5", "40000", "END");
	}

	@Test
	@Order(3)
	void racingCasThroughThreeInstancesHasExactlyOneWinnerPerRound() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try (TextProtocolClient reader = client(0)) {
			assertThat(reader.storage("set", "raced", "start")).isEqualTo("STORED");
			for (int round = 0; round < 30; round++) {
				List<String> gets = reader.send("gets raced\r\n");
				String cas = gets.get(0).substring(gets.get(0).lastIndexOf(' ') + 1);
				CyclicBarrier start = new CyclicBarrier(3);
				List<Future<String>> answers = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					int instance = i;
					answers.add(pool.submit(() -> {
						try (TextProtocolClient client = client(instance)) {
							String value = "won-by-" + instance;
							start.await(10, TimeUnit.SECONDS);
							return client
								.send("cas raced 0 0 " + value.length() + " " + cas + "\r\n" + value + "\r\n")
								.get(0);
						}
					}));
				}
				List<String> results = new ArrayList<>();
				for (Future<String> answer : answers) {
					results.add(answer.get(30, TimeUnit.SECONDS));
				}
				assertThat(results).as("round " + round).containsOnly("STORED", "EXISTS");
				assertThat(results.stream().filter("STORED"::equals)).as("round " + round).hasSize(1);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	@Order(4)
	void expiryAndTouchActOnEveryInstance() throws Exception {
		try (TextProtocolClient first = client(0); TextProtocolClient second = client(1)) {
			assertThat(first.send("set brief 0 2 1\r\nx\r\n")).containsExactly("STORED");
			assertThat(first.send("set kept 0 2 1\r\ny\r\n")).containsExactly("STORED");
			assertThat(second.send("touch kept 100\r\n")).containsExactly("TOUCHED");
			assertThat(second.send("get brief\r\n")).containsExactly("VALUE brief 0 1", "x", "END");
		}
		Thread.sleep(3100);
		assertEveryInstanceAnswers("get brief\r\n", "END");
		assertEveryInstanceAnswers("get kept\r\n", "VALUE kept 0 1", "y", "END");
	}

	@Test
	@Order(5)
	void flushAllActsOnEveryInstance() throws Exception {
		try (TextProtocolClient first = client(0); TextProtocolClient third = client(2)) {
			assertThat(first.storage("set", "flushed-now", "a")).isEqualTo("STORED");
			assertThat(third.send("flush_all\r\n")).containsExactly("OK");
		}
		assertEveryInstanceAnswers("get flushed-now\r\n", "END");
		try (TextProtocolClient first = client(0); TextProtocolClient second = client(1)) {
			assertThat(first.storage("set", "flushed-later", "b")).isEqualTo("STORED");
			assertThat(second.send("flush_all 2\r\n")).containsExactly("OK");
		}
		Thread.sleep(2100);
		assertEveryInstanceAnswers("get flushed-later\r\n", "END");
		try (TextProtocolClient second = client(1)) {
			assertThat(second.storage("set", "after-flush", "c")).isEqualTo("STORED");
		}
		assertEveryInstanceAnswers("get after-flush\r\n", "VALUE after-flush 0 1", "c", "END");
	}

	@Test
	@Order(6)
	void anInstanceKilledUnderWriteLoadLosesNoAcknowledgedWrite() throws Exception {
		Map<String, String> acknowledged = new ConcurrentHashMap<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(6);
		List<Future<?>> writers = new ArrayList<>();
		for (int w = 0; w < 6; w++) {
			int writer = w;
			writers.add(pool.submit(() -> {
				try (TextProtocolClient client = client(writer % 3)) {
					for (int i = 0; writing.get(); i++) {
						String key = "load-" + writer + "-" + i;
						String value = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L));
						if (client.storage("set", key, value).equals("STORED")) {
							acknowledged.put(key, value);
						}
					}
				}
				catch (IOException ex) {
					// the writers of the killed instance lose their connection: what they had
					// acknowledged is counted, the write in flight is not
				}
				return null;
			}));
		}
		Thread.sleep(1500);
		instances.get(2).kill();
		Thread.sleep(2500);
		writing.set(false);
		for (Future<?> writer : writers) {
			writer.get(60, TimeUnit.SECONDS);
		}
		pool.shutdownNow();
		assertThat(acknowledged).hasSizeGreaterThan(100);
		List<String> keys = new ArrayList<>(acknowledged.keySet());
		for (int i = 0; i < 2; i++) {
			try (TextProtocolClient client = client(i)) {
				for (int from = 0; from < keys.size(); from += 100) {
					List<String> batch = keys.subList(from, Math.min(keys.size(), from + 100));
					List<String> lines = client.send("get " + String.join(" ", batch) + "\r\n");
					List<String> expected = new ArrayList<>();
					for (String key : batch) {
						String value = acknowledged.get(key);
						expected.addAll(List.of("VALUE " + key + " 0 " + value.length(), value));
					}
					expected.add("END");
					assertThat(lines).containsExactlyElementsOf(expected);
				}
			}
		}
	}

	private static void assertEveryInstanceAnswers(String command, String... lines) throws IOException {
		for (int i = 0; i < instances.size(); i++) {
			try (TextProtocolClient client = client(i)) {
				assertThat(client.send(command)).as("instance " + i).containsExactly(lines);
			}
		}
	}

	private static TextProtocolClient client(int instance) throws IOException {
		return new TextProtocolClient(instances.get(instance).port());
	}

	/** A port from which the next two are free as well: the members' Hazelcast ports. */
	private static int threeFreePorts() throws IOException {
		for (int attempt = 0; attempt < 50; attempt++) {
			int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
			if (isFree(base) && isFree(base + 1) && isFree(base + 2)) {
				return base;
			}
		}
		throw new IOException("no three consecutive free ports");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
