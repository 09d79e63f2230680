package io.github.memcachedserver.server;

import java.time.Duration;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

class HandlerTimeoutIntegrationTests {

	private final MemcachedServer server = MemcachedServer.builder()
		.listen("127.0.0.1:0")
		.handler(new NeverAnsweringForSomeKeys())
		.handlerTimeout(Duration.ofMillis(200))
		.build()
		.start();

	@AfterEach
	void stop() {
		this.server.stop();
	}

	@Test
	void aHandlerThatNeverAnswersTimesOutAndTheConnectionLives() throws Exception {
		try (RawConnection connection = RawConnection.open(this.server.port())) {
			connection.send("get hang\r\nget fast\r\n");
			assertThat(connection.readLine()).isEqualTo("SERVER_ERROR handler timed out");
			assertThat(connection.readLine()).isEqualTo("VALUE fast 0 2");
			assertThat(connection.readLine()).isEqualTo("ok");
			assertThat(connection.readLine()).isEqualTo("END");
			connection.send("set hang 0 0 1\r\nx\r\nset fast 0 0 1\r\nx\r\n");
			assertThat(connection.readLine()).isEqualTo("SERVER_ERROR handler timed out");
			assertThat(connection.readLine()).isEqualTo("STORED");
		}
	}

	/** Answers at once, except for the key "hang", which never gets an answer. */
	private static final class NeverAnsweringForSomeKeys implements MemcachedCommandHandler {

		@Override
		public Mono<Item> get(Session session, Key key) {
			return key.toString().equals("hang") ? Mono.never() : Mono.just(Item.of("ok".getBytes()));
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return key.toString().equals("hang") ? Mono.never() : Mono.just(StoreResult.STORED);
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(false);
		}

	}

}
