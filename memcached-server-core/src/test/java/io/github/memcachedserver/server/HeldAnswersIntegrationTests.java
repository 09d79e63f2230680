package io.github.memcachedserver.server;

import java.time.Duration;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers that memcached would hold back are held here only as long as memcached would hold
 * them, however many commands a slow handler has outstanding: with 32 queued the server stops
 * reading, and the end of that read is not the end of the client's pipeline, so a client that
 * then waits for its answers still gets every one. ({@code 13-held-answers.cases} and
 * {@code HeldAnswersFuzzTests} compare which answers are held with memcached.)
 */
class HeldAnswersIntegrationTests {

	private MemcachedServer server;

	@BeforeEach
	void start() {
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").handler(new SlowWrites()).build().start();
	}

	@AfterEach
	void stop() {
		this.server.stop(Duration.ofSeconds(5));
	}

	@Test
	void aPipelineOfSlowWritesIsAnsweredThoughTheServerStoppedReadingInIt() throws Exception {
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send(sets(200));
			for (int i = 0; i < 200; i++) {
				assertThat(raw.readLine()).as("answer %d", i).isEqualTo("STORED");
			}
		}
	}

	@Test
	void slowWritesBeforeAnUnfinishedDataBlockAreAnsweredOnceItIsComplete() throws Exception {
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send(sets(200) + "set last 0 0 5\r\nab");
			Thread.sleep(100);
			raw.send("cde\r\n");
			for (int i = 0; i < 201; i++) {
				assertThat(raw.readLine()).as("answer %d", i).isEqualTo("STORED");
			}
		}
	}

	private static String sets(int count) {
		StringBuilder pipeline = new StringBuilder();
		for (int i = 0; i < count; i++) {
			pipeline.append("set k").append(i).append(" 0 0 1\r\nx\r\n");
		}
		return pipeline.toString();
	}

	/** A store whose writes answer a millisecond late, as a database would. */
	static final class SlowWrites extends StoreBackedHandler {

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return Mono.delay(Duration.ofMillis(1)).then(this.store.set(session, key, entry));
		}

	}

}
