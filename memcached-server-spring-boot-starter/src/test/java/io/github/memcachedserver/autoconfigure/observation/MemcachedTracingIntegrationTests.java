package io.github.memcachedserver.autoconfigure.observation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import io.github.memcachedserver.autoconfigure.LocalMemcachedServerPort;
import io.github.memcachedserver.autoconfigure.MemcachedHandler;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import reactor.core.observability.micrometer.Micrometer;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's tracing and metrics, a command is one span and one timer sample, and the
 * span of what its handler does is the command span's child.
 */
@SpringBootTest(properties = "memcached.server.listen=127.0.0.1:0")
class MemcachedTracingIntegrationTests {

	@Autowired
	private SimpleTracer tracer;

	@Autowired
	private MeterRegistry meters;

	@LocalMemcachedServerPort
	private int port;

	@Test
	void theHandlersSpanIsAChildOfTheCommandsSpan() {
		MemcachedClient client = clientOf(this.port);
		try {
			assertThat(client.get("product:42")).isEqualTo("widget 42");
		}
		finally {
			client.shutdown();
		}
		List<SimpleSpan> spans = List.copyOf(this.tracer.getSpans());
		SimpleSpan command = spans.stream().filter((span) -> span.getName().equals("memcached get")).findFirst().get();
		SimpleSpan lookup = spans.stream().filter((span) -> span.getName().equals("product.lookup")).findFirst().get();
		assertThat(command.getTags()).containsEntry("protocol", "text")
			.containsEntry("command", "get")
			.containsEntry("outcome", "hit");
		assertThat(lookup.getParentId()).isEqualTo(command.getSpanId());
		assertThat(lookup.getTraceId()).isEqualTo(command.getTraceId());
		assertThat(this.meters.get("memcached.server.commands")
			.tags("protocol", "text", "command", "get", "outcome", "hit")
			.timer()
			.count()).isEqualTo(1);
	}

	private static MemcachedClient clientOf(int port) {
		try {
			return new MemcachedClient(new InetSocketAddress("127.0.0.1", port));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		SimpleTracer tracer() {
			return new SimpleTracer();
		}

		@Bean
		@MemcachedHandler(prefix = "product:")
		MemcachedCommandHandler products(ObservationRegistry observations) {
			return new MemcachedCommandHandler() {

				@Override
				public Mono<Item> get(Session session, Key key) {
					// a database call would be observed by its driver: the same parent applies
					return Mono.delay(Duration.ofMillis(2))
						.map((ignored) -> Item.of(("widget " + key.toString().substring(8)).getBytes()))
						.name("product.lookup")
						.tap(Micrometer.observation(observations));
				}

				@Override
				public Mono<StoreResult> set(Session session, Key key, Entry entry) {
					return Mono.just(StoreResult.NOT_STORED);
				}

				@Override
				public Mono<Boolean> delete(Session session, Key key) {
					return Mono.just(false);
				}

			};
		}

	}

}
