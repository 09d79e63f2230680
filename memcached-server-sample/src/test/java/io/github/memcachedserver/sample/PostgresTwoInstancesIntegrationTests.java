package io.github.memcachedserver.sample;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the sample application, each in a JVM of its own, on one PostgreSQL
 * database (the {@code postgres} profile): the {@code product:} keys are rows every instance
 * shares, so a client sees through one instance what it wrote through the other, {@code gets}
 * and {@code cas} across instances are exact (the version column), and an instance killed
 * under a write load loses no acknowledged write.
 */
class PostgresTwoInstancesIntegrationTests {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	@Test
	void twoInstancesOnOneDatabase(@TempDir Path directory) throws Exception {
		try (PostgresServer database = PostgresServer.start(directory)) {
			String[] arguments = { "--spring.profiles.active=postgres", "--spring.r2dbc.url=" + database.r2dbcUrl() };
			// one after the other: each runs schema.sql and data.sql at startup
			try (SampleInstance first = SampleInstance.start("postgres-instance-0", arguments)) {
				first.awaitLog("Started SampleMemcachedApplication", STARTUP);
				try (SampleInstance second = SampleInstance.start("postgres-instance-1", arguments)) {
					second.awaitLog("Started SampleMemcachedApplication", STARTUP);
					writesThroughOneAreReadThroughTheOther(first, second);
					casAcrossInstancesIsExact(first, second);
					killingOneUnderWriteLoadLosesNoAcknowledgedWrite(first, second);
				}
			}
		}
	}

	private void writesThroughOneAreReadThroughTheOther(SampleInstance first, SampleInstance second)
			throws IOException {
		try (TextProtocolClient writer = new TextProtocolClient(first.port());
				TextProtocolClient reader = new TextProtocolClient(second.port())) {
			assertThat(writer.storage("set", "product:100", "{\"name\":\"Teapot\",\"price\":12.50}")).isEqualTo("STORED");
			assertThat(reader.send("get product:100\r\n").get(1)).isEqualTo("{\"id\":100,\"name\":\"Teapot\",\"price\":12.50}");
		}
	}

	private void casAcrossInstancesIsExact(SampleInstance first, SampleInstance second) throws IOException {
		try (TextProtocolClient one = new TextProtocolClient(first.port());
				TextProtocolClient other = new TextProtocolClient(second.port())) {
			String cas = casOf(one.send("gets product:100\r\n"));
			assertThat(casOf(other.send("gets product:100\r\n"))).isEqualTo(cas);
			String renamed = "{\"name\":\"Teapot, blue\",\"price\":13.00}";
			assertThat(other.send("cas product:100 0 0 " + renamed.length() + " " + cas + "\r\n" + renamed + "\r\n"))
				.containsExactly("STORED");
			String stale = "{\"name\":\"Teapot, red\",\"price\":13.00}";
			assertThat(one.send("cas product:100 0 0 " + stale.length() + " " + cas + "\r\n" + stale + "\r\n"))
				.containsExactly("EXISTS");
			assertThat(one.send("get product:100\r\n").get(1)).contains("Teapot, blue");
		}
	}

	private void killingOneUnderWriteLoadLosesNoAcknowledgedWrite(SampleInstance first, SampleInstance second)
			throws Exception {
		Map<String, String> acknowledged = new ConcurrentHashMap<>();
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Future<?>> writers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			int writer = w;
			SampleInstance target = (w % 2 == 0) ? first : second;
			writers.add(pool.submit(() -> {
				try (TextProtocolClient client = new TextProtocolClient(target.port())) {
					for (int i = 0; writing.get(); i++) {
						String key = "product:" + (1000 + writer * 100_000 + i);
						String name = "item " + writer + "-" + i;
						if (client.storage("set", key, "{\"name\":\"" + name + "\",\"price\":1.00}").equals("STORED")) {
							acknowledged.put(key, name);
						}
					}
				}
				catch (IOException ex) {
					// the killed instance's writers: the write in flight was not acknowledged
				}
				return null;
			}));
		}
		Thread.sleep(1500);
		first.kill();
		Thread.sleep(1500);
		writing.set(false);
		for (Future<?> writer : writers) {
			writer.get(60, TimeUnit.SECONDS);
		}
		pool.shutdownNow();
		assertThat(acknowledged).hasSizeGreaterThan(20);
		try (TextProtocolClient reader = new TextProtocolClient(second.port())) {
			for (Map.Entry<String, String> write : acknowledged.entrySet()) {
				assertThat(reader.send("get " + write.getKey() + "\r\n").get(1)).as(write.getKey())
					.contains("\"name\":\"" + write.getValue() + "\"");
			}
		}
	}

	private static String casOf(List<String> gets) {
		String valueLine = gets.get(0);
		return valueLine.substring(valueLine.lastIndexOf(' ') + 1);
	}

}
