package io.github.memcachedserver.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import net.rubyeye.xmemcached.CASOperation;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many real clients, each on its own connection, hammering one key of the built-in store:
 * {@code incr} loses no update and {@code cas} lets exactly one writer win each race.
 */
@Timeout(60)
class ConcurrencyIntegrationTests {

	private MemcachedServer server;

	private final List<MemcachedClient> clients = new ArrayList<>();

	private ExecutorService executor;

	@BeforeEach
	void startServer() {
		this.server = MemcachedServer.builder().listen(ListenAddress.parse("127.0.0.1:0")).build();
		this.server.start();
		this.executor = Executors.newCachedThreadPool();
	}

	@AfterEach
	void stopServer() throws InterruptedException {
		this.executor.shutdownNow();
		this.executor.awaitTermination(5, TimeUnit.SECONDS);
		this.clients.forEach(TestClients::shutdown);
		if (this.server != null) {
			this.server.stop();
		}
	}

	private List<MemcachedClient> connect(int count) {
		for (int i = 0; i < count; i++) {
			this.clients.add(TestClients.spymemcached(this.server.port()));
		}
		return this.clients;
	}

	@Test
	void twentyConnectionsIncrementingOneKeyEndAtExactlyFortyThousand() throws Exception {
		int connections = 20;
		int incrementsEach = 2000;
		List<MemcachedClient> clients = connect(connections);
		assertThat(clients.get(0).set("counter", 0, "0").get()).isTrue();
		Set<Long> seen = ConcurrentHashMap.newKeySet();
		CyclicBarrier start = new CyclicBarrier(connections);
		List<Future<?>> workers = new ArrayList<>();
		for (MemcachedClient client : clients) {
			workers.add(this.executor.submit(() -> {
				start.await();
				for (int i = 0; i < incrementsEach; i++) {
					long value = client.incr("counter", 1);
					assertThat(value).isPositive();
					// every increment answers a value no other increment answered
					assertThat(seen.add(value)).as("duplicate incr result %s", value).isTrue();
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(50, TimeUnit.SECONDS);
		}
		assertThat(clients.get(0).get("counter")).isEqualTo("40000");
		assertThat(seen).hasSize(connections * incrementsEach).contains(1L, 40000L);
	}

	@Test
	void concurrentDecrementsStopAtZeroWithoutGoingNegative() throws Exception {
		int connections = 8;
		int decrementsEach = 200;
		List<MemcachedClient> clients = connect(connections);
		clients.get(0).set("counter", 0, "1000").get();
		List<Long> results = java.util.Collections.synchronizedList(new ArrayList<>());
		List<Future<?>> workers = new ArrayList<>();
		for (MemcachedClient client : clients) {
			workers.add(this.executor.submit(() -> {
				for (int i = 0; i < decrementsEach; i++) {
					results.add(client.decr("counter", 1));
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(50, TimeUnit.SECONDS);
		}
		// 1,000 decrements answer 999 down to 0, each once; the other 600 find 0 and stay there
		assertThat(results).hasSize(connections * decrementsEach).allMatch((value) -> value >= 0 && value < 1000);
		assertThat(results.stream().filter((value) -> value > 0).distinct().count()).isEqualTo(999);
		assertThat(results.stream().filter((value) -> value == 0).count()).isEqualTo(601);
		assertThat(clients.get(0).get("counter")).isEqualTo("0   ");
	}

	@Test
	void racingCasHasExactlyOneWinnerPerRound() throws Exception {
		int racers = 8;
		int rounds = 200;
		List<MemcachedClient> clients = connect(racers);
		clients.get(0).set("contested", 0, "0").get();
		CASResponse[][] outcomes = new CASResponse[rounds][racers];
		CyclicBarrier everyoneHasRead = new CyclicBarrier(racers);
		CyclicBarrier roundOver = new CyclicBarrier(racers);
		List<Future<?>> workers = new ArrayList<>();
		for (int r = 0; r < racers; r++) {
			int racer = r;
			MemcachedClient client = clients.get(racer);
			workers.add(this.executor.submit(() -> {
				for (int round = 0; round < rounds; round++) {
					CASValue<Object> read = client.gets("contested");
					// nobody writes until every racer holds the same CAS unique
					everyoneHasRead.await(10, TimeUnit.SECONDS);
					int next = Integer.parseInt((String) read.getValue()) + 1;
					outcomes[round][racer] = client.cas("contested", read.getCas(), String.valueOf(next));
					roundOver.await(10, TimeUnit.SECONDS);
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(50, TimeUnit.SECONDS);
		}
		for (int round = 0; round < rounds; round++) {
			assertThat(outcomes[round]).as("round %s", round)
				.containsOnly(CASResponse.OK, CASResponse.EXISTS)
				.filteredOn((outcome) -> outcome == CASResponse.OK)
				.hasSize(1);
		}
		assertThat(clients.get(0).get("contested")).isEqualTo(String.valueOf(rounds));
	}

	@Test
	void xmemcachedCasOperationsFromManyClientsLoseNoUpdate() throws Exception {
		int racers = 6;
		int updatesEach = 100;
		List<net.rubyeye.xmemcached.MemcachedClient> xclients = new ArrayList<>();
		try {
			for (int i = 0; i < racers; i++) {
				xclients.add(TestClients.xmemcached(this.server.port()));
			}
			xclients.get(0).set("total", 0, "0");
			CASOperation<String> plusOne = new CASOperation<>() {

				@Override
				public int getMaxTries() {
					return Integer.MAX_VALUE;
				}

				@Override
				public String getNewValue(long currentCAS, String currentValue) {
					return String.valueOf(Integer.parseInt(currentValue) + 1);
				}

			};
			List<Future<?>> workers = new ArrayList<>();
			for (net.rubyeye.xmemcached.MemcachedClient client : xclients) {
				workers.add(this.executor.submit(() -> {
					for (int i = 0; i < updatesEach; i++) {
						assertThat(client.cas("total", 0, plusOne)).isTrue();
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(50, TimeUnit.SECONDS);
			}
			assertThat(xclients.get(0).<String>get("total")).isEqualTo(String.valueOf(racers * updatesEach));
		}
		finally {
			xclients.forEach(TestClients::shutdown);
		}
	}

}
