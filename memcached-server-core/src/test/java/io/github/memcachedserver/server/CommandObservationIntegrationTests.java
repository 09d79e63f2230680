package io.github.memcachedserver.server;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.memcachedserver.handler.BlockingMemcachedHandler;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedHandlers;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.test.MemcachedTestClient;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleTracer;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.observability.micrometer.Micrometer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command is one Micrometer observation, whatever its protocol and however many keys it
 * reads, and what a handler observes while answering it is its child.
 */
class CommandObservationIntegrationTests {

	private MemcachedServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop(Duration.ofSeconds(5));
		}
	}

	@Test
	void aTenKeyGetIsOneObservationAndOneTimerSample() throws Exception {
		TestObservationRegistry observations = TestObservationRegistry.create();
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		start(observations, new SlowStore());
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			for (int i = 0; i < 7; i++) {
				assertThat(client.set("k" + i, "v")).isEqualTo("STORED");
			}
			observations.clear();
			meters.clear();
			String keys = String.join(" ", IntStream.range(0, 10).mapToObj((i) -> "k" + i).toList());
			assertThat(client.send("get " + keys + "\r\n")).hasSize(7 * 2 + 1);
		}
		assertThat(observations).hasNumberOfObservationsEqualTo(1)
			.hasSingleObservationThat()
			.hasNameEqualTo("memcached.server.commands")
			.hasContextualNameEqualTo("memcached get")
			.hasLowCardinalityKeyValue("protocol", "text")
			.hasLowCardinalityKeyValue("command", "get")
			.hasLowCardinalityKeyValue("outcome", "partial_hit")
			.hasHighCardinalityKeyValue("client.address", "127.0.0.1")
			.hasBeenStopped();
		Timer timer = meters.get("memcached.server.commands")
			.tags("protocol", "text", "command", "get", "outcome", "partial_hit")
			.timer();
		assertThat(timer.count()).isEqualTo(1);
		assertThat(meters.get("memcached.server.commands").timers()).hasSize(1);
	}

	@Test
	void eachProtocolAndOutcomeIsNamed() throws Exception {
		TestObservationRegistry observations = TestObservationRegistry.create();
		start(observations, new SlowStore());
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.metaSet("counter", "7")).isEqualTo("HD");
			assertThat(client.metaGet("absent")).isNull();
		}
		try (MemcachedTestClient binary = MemcachedTestClient.connect(this.server.port())) {
			assertThat(binary.binaryGet("counter")).isEqualTo("7");
		}
		assertThat(observations).hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("protocol", "meta")
			.hasLowCardinalityKeyValue("command", "ms")
			.hasLowCardinalityKeyValue("outcome", "stored"))
			.hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("protocol", "meta")
				.hasLowCardinalityKeyValue("command", "mg")
				.hasLowCardinalityKeyValue("outcome", "miss"))
			.hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("protocol", "binary")
				.hasLowCardinalityKeyValue("command", "get")
				.hasLowCardinalityKeyValue("outcome", "hit"));
	}

	@Test
	void aFailingHandlerIsAnErrorOutcomeWithItsException() throws Exception {
		TestObservationRegistry observations = TestObservationRegistry.create();
		start(observations, new SlowStore() {
			@Override
			public Mono<Item> get(Session session, Key key) {
				return Mono.delay(Duration.ofMillis(1)).then(Mono.error(new IllegalStateException("backend down")));
			}
		});
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.send("get k\r\n")).singleElement().asString().startsWith("SERVER_ERROR");
		}
		assertThat(observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "error")
			.assertThatError()
			.hasMessage("backend down");
	}

	@Test
	void whatTheHandlerObservesIsAChildOfTheCommand() throws Exception {
		SimpleTracer tracer = new SimpleTracer();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		start(registry, new SlowStore() {
			@Override
			public Mono<Item> get(Session session, Key key) {
				return super.get(session, key).name("product.lookup").tap(Micrometer.observation(registry));
			}

			@Override
			public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
				return super.getAll(session, keys).name("product.lookup").tap(Micrometer.observation(registry));
			}
		});
		MemcachedClient text = TestClients.spymemcached(new InetSocketAddress("127.0.0.1", this.server.port()));
		try {
			assertThat(text.set("k1", 0, "v").get()).isTrue();
			assertThat(text.get("k1")).isEqualTo("v");
			assertThat(text.getBulk("k1", "k2")).containsOnlyKeys("k1");
		}
		finally {
			text.shutdown();
		}
		String trees = SpanTree.render(tracer.getSpans());
		System.out.println(trees);
		assertThat(trees).isEqualTo("""
				memcached set {client.address=127.0.0.1, command=set, outcome=stored, protocol=text}
				memcached get {client.address=127.0.0.1, command=get, outcome=hit, protocol=text}
				  product.lookup {reactor.status=completed, reactor.type=Mono}
				memcached get {client.address=127.0.0.1, command=get, outcome=partial_hit, protocol=text}
				  product.lookup {reactor.status=completed, reactor.type=Mono}
				""");
	}

	@Test
	void whatABlockingHandlerObservesOnItsThreadIsAChildOfTheCommand() {
		SimpleTracer tracer = new SimpleTracer();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		BlockingMemcachedHandler jdbcLike = new BlockingMemcachedHandler() {

			@Override
			public Item get(Session session, Key key) {
				// as JDBC instrumentation does: no parent given, the thread's current observation is it
				return Observation.createNotStarted("jdbc.query", registry)
					.observe(() -> Item.of(("row of " + key).getBytes(StandardCharsets.UTF_8)));
			}

			@Override
			public StoreResult set(Session session, Key key, Entry entry) {
				return StoreResult.NOT_STORED;
			}

			@Override
			public boolean delete(Session session, Key key) {
				return false;
			}

		};
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.handler(MemcachedHandlers.offEventLoop(jdbcLike, Schedulers.boundedElastic()))
			.observationRegistry(registry)
			.build()
			.start();
		try (MemcachedTestClient client = MemcachedTestClient.connect(this.server.port())) {
			assertThat(client.get("user:1")).isEqualTo("row of user:1");
		}
		assertThat(SpanTree.render(tracer.getSpans())).isEqualTo("""
				memcached get {client.address=127.0.0.1, command=get, outcome=hit, protocol=text}
				  jdbc.query
				""");
	}

	@Test
	void aCommandAbandonedWithItsConnectionStopsAsCancelled() throws Exception {
		TestObservationRegistry observations = TestObservationRegistry.create();
		CountDownLatch asked = new CountDownLatch(1);
		start(observations, new SlowStore() {
			@Override
			public Mono<Item> get(Session session, Key key) {
				asked.countDown();
				return Mono.never();
			}
		});
		try (Socket client = new Socket("127.0.0.1", this.server.port())) {
			client.getOutputStream().write("get forever\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
			// a reset, not a half-close: after a half-close memcached still answers what it read
			client.setSoLinger(true, 0);
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (this.server.statistics().currentConnections() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(observations).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "cancelled")
			.hasBeenStopped();
	}

	private void start(ObservationRegistry registry, SlowStore handler) {
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.handler(handler)
			.observationRegistry(registry)
			.build()
			.start();
	}

	/** The built-in store behind a delay, as a handler in front of a database answers. */
	static class SlowStore extends StoreBackedHandler {

		@Override
		public Mono<Item> get(Session session, Key key) {
			return Mono.delay(Duration.ofMillis(1)).then(super.get(session, key));
		}

		@Override
		public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
			return Mono.delay(Duration.ofMillis(1)).then(this.store.getAll(session, keys));
		}

	}

}
