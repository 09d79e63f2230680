package io.github.memcachedserver.hardening;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.server.MemcachedServer;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that reset the connection while large answers are queued or being written (text
 * multi-gets and gats, meta gets, binary gets and gats: every answer that carries a value the
 * built-in store lends) leave no buffer behind: Netty's leak detector (paranoid in every test
 * run) reports nothing, nothing is logged at ERROR, and the server keeps serving.
 */
class ResetMidAnswerIntegrationTests {

	private static final int VALUE_SIZE = 256 * 1024;

	private MemcachedServer server;

	/** Everything logged while the test runs: leak reports, and errors a reset must not cause. */
	private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

	private Logger rootLogger;

	@BeforeEach
	void start() throws Exception {
		this.rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		this.logged.start();
		this.rootLogger.addAppender(this.logged);
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
		try (Socket socket = connect()) {
			OutputStream out = socket.getOutputStream();
			for (int i = 0; i < 8; i++) {
				out.write(("set big" + i + " 0 0 " + VALUE_SIZE + " noreply\r\n").getBytes(StandardCharsets.US_ASCII));
				out.write(new byte[VALUE_SIZE]);
				out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
			}
			out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			Probes.readLine(socket.getInputStream());
		}
	}

	@AfterEach
	void stop() {
		this.server.stop(Duration.ofSeconds(5));
		this.rootLogger.detachAppender(this.logged);
	}

	@Test
	void resetsInTheMiddleOfLargeAnswersLeakNothing() throws Exception {
		StringBuilder keys = new StringBuilder();
		for (int i = 0; i < 40; i++) {
			keys.append(" big").append(i % 8);
		}
		// every read that sends a value (the built-in store lends each one its memory)
		List<byte[]> requests = List.of(BinaryPackets.ascii("get" + keys + "\r\n"),
				BinaryPackets.ascii("gets" + keys + "\r\nget big1\r\n"),
				BinaryPackets.ascii("gat 0" + keys + "\r\ngats 0 big1\r\n"),
				BinaryPackets.ascii("mg big1 v\r\nmg big2 v k\r\nmg big3 v c\r\n".repeat(10)),
				BinaryPackets.ascii("mg big4 v s q\r\nmg YmlnNQ== b v k T0\r\nmg big6 v N30\r\n".repeat(10)),
				binaryGets(Opcodes.GETKQ, new byte[0]), binaryGets(Opcodes.GET, new byte[0]),
				binaryGets(Opcodes.GATKQ, new byte[4]), binaryGets(Opcodes.GAT, new byte[4]));
		for (int round = 0; round < 72; round++) {
			try (Socket socket = connect()) {
				socket.getOutputStream().write(requests.get(round % requests.size()));
				socket.getOutputStream().flush();
				// take a little of the answer, then reset: the rest is queued, or still being made
				socket.getInputStream().readNBytes(1 + round * 1000);
				socket.setSoLinger(true, 0);
			}
		}
		// the server still answers, and buffers that were dropped without release get reported
		// by the detector when collected and the next buffers are tracked
		for (int i = 0; i < 5; i++) {
			System.gc();
			try (Socket socket = connect()) {
				socket.getOutputStream().write("get big0\r\n".getBytes(StandardCharsets.US_ASCII));
				socket.getOutputStream().flush();
				assertThat(Probes.readLine(socket.getInputStream())).isEqualTo("VALUE big0 0 " + VALUE_SIZE);
			}
			Thread.sleep(50);
		}
		assertThat(this.logged.list).filteredOn((event) -> event.getLoggerName().equals(ResourceLeakDetector.class.getName()))
			.isEmpty();
		// a client's reset is no error of the server's: nothing at ERROR, no stack traces
		assertThat(serverErrors()).isEmpty();
	}

	@Test
	void aBackendFailureAfterTheClientResetIsNoError() throws Exception {
		ScheduledExecutorService backend = Executors.newSingleThreadScheduledExecutor();
		MemcachedServer failing = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.handler(new FailingLate(backend))
			.build()
			.start();
		try {
			for (int i = 0; i < 5; i++) {
				try (Socket socket = new Socket("127.0.0.1", failing.port())) {
					socket.getOutputStream().write(BinaryPackets.ascii("get k\r\nget j\r\n"));
					socket.getOutputStream().flush();
					Thread.sleep(20);
					socket.setSoLinger(true, 0);
				}
			}
			// the backend fails 100 ms after each call, when its connection is gone
			Thread.sleep(500);
		}
		finally {
			failing.stop(Duration.ofSeconds(5));
			backend.shutdownNow();
		}
		assertThat(serverErrors()).isEmpty();
	}

	/** What the server's side logged at ERROR (client libraries of other tests may still log). */
	private List<String> serverErrors() {
		return this.logged.list.stream()
			.filter((event) -> event.getLevel() == Level.ERROR)
			.filter((event) -> event.getLoggerName().startsWith("io.github.memcachedserver")
					|| event.getLoggerName().startsWith("reactor") || event.getLoggerName().startsWith("io.netty"))
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	/** A callback-style backend: every read fails 100 ms later, whether anyone still waits or not. */
	static final class FailingLate implements MemcachedCommandHandler {

		private final ScheduledExecutorService backend;

		FailingLate(ScheduledExecutorService backend) {
			this.backend = backend;
		}

		@Override
		public Mono<Item> get(Session session, Key key) {
			return Mono.create((sink) -> this.backend.schedule(
					() -> sink.error(new CommandFailedException("backend unavailable")), 100, TimeUnit.MILLISECONDS));
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return Mono.just(StoreResult.STORED);
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(false);
		}

	}

	/** Binary gets (or gats), closed by a no-op, as clients send a bulk get with quiet ones. */
	private static byte[] binaryGets(int opcode, byte[] extras) {
		ByteArrayOutputStream gets = new ByteArrayOutputStream();
		for (int i = 0; i < 40; i++) {
			gets.writeBytes(BinaryPackets.packet(opcode, extras, BinaryPackets.ascii("big" + (i % 8)), new byte[0], i, 0));
		}
		gets.writeBytes(BinaryPackets.packet(Opcodes.NOOP, new byte[0], new byte[0], new byte[0], 99, 0));
		return gets.toByteArray();
	}

	private Socket connect() throws Exception {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", this.server.port()), 2000);
		socket.setSoTimeout(10_000);
		return socket;
	}

}
