package io.github.memcachedserver.server;

import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.ConnectionAbortedException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.KeyValueHandler;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.rubyeye.xmemcached.exception.MemcachedServerException;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Server features over real sockets: several listeners at once (IPv4, IPv6, unix domain
 * socket), answer order with a slow handler, handler errors, the key/value handler adapter,
 * connection hooks and graceful stop.
 */
@Timeout(30)
class ServerFeaturesIntegrationTests {

	private MemcachedServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.stop(Duration.ofSeconds(5));
		}
	}

	private MemcachedServer start(MemcachedCommandHandler handler, ListenAddress... addresses) {
		MemcachedServerBuilder builder = MemcachedServer.builder().handler(handler);
		for (ListenAddress address : addresses) {
			builder.listen(address);
		}
		this.server = builder.build();
		this.server.start();
		return this.server;
	}

	private MemcachedServer startOnLoopback(MemcachedCommandHandler handler) {
		return start(handler, ListenAddress.parse("127.0.0.1:0"));
	}

	@Test
	void servesIpv4Ipv6AndUnixSocketListenersAtOnce(@TempDir Path directory) throws Exception {
		Path socketPath = directory.resolve("memcached.sock");
		start(new ConcurrentMapMemcachedStore(), ListenAddress.parse("127.0.0.1:0"), ListenAddress.parse("[::1]:0"),
				ListenAddress.parse("unix:" + socketPath));
		List<SocketAddress> bound = this.server.boundAddresses();
		assertThat(bound).hasSize(3);
		assertThat(bound.get(0)).isInstanceOfSatisfying(InetSocketAddress.class, (inet) -> {
			assertThat(inet.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
			assertThat(inet.getPort()).isPositive().isEqualTo(this.server.port());
		});
		assertThat(bound.get(1)).isInstanceOfSatisfying(InetSocketAddress.class, (inet) -> {
			assertThat(inet.getAddress()).isInstanceOf(Inet6Address.class);
			assertThat(inet.getAddress().isLoopbackAddress()).isTrue();
			assertThat(inet.getPort()).isPositive();
		});
		assertThat(bound.get(2).toString()).isEqualTo(socketPath.toString());
		bound = List.of(bound.get(0), bound.get(1), UnixDomainSocketAddress.of(socketPath));
		// each listener writes one key; every listener sees all three (one handler behind them)
		for (int i = 0; i < bound.size(); i++) {
			try (RawConnection raw = RawConnection.open(bound.get(i))) {
				raw.send("set via" + i + " 0 0 1\r\n" + i + "\r\n");
				assertThat(raw.readLine()).isEqualTo("STORED");
			}
		}
		for (SocketAddress address : bound) {
			try (RawConnection raw = RawConnection.open(address)) {
				raw.send("get via0 via1 via2\r\n");
				assertThat(raw.readRetrieval()).as("through %s", address).containsExactly("via0 0 0", "via1 0 1", "via2 0 2");
			}
		}
		// a real client on the IPv6 listener
		InetSocketAddress ipv6 = (InetSocketAddress) bound.get(1);
		MemcachedClient client = TestClients.spymemcached(ipv6);
		try {
			assertThat(client.get("via2")).isEqualTo("2");
		}
		finally {
			TestClients.shutdown(client);
		}
	}

	@Test
	void statsConnsShowTheAskingConnectionParsingAndTheOthersWaitingToRead() throws Exception {
		startOnLoopback(new ConcurrentMapMemcachedStore());
		try (RawConnection idle = RawConnection.open(this.server.port())) {
			// answered before the next connection opens: connections on two event loops are
			// numbered in the order their loops take them up
			assertThat(idle.send("version\r\n").readLine()).startsWith("VERSION");
			try (RawConnection asking = RawConnection.open(this.server.port())) {
				asking.send("stats conns\r\n");
				List<String> states = new ArrayList<>();
				for (String line = asking.readLine(); !line.equals("END"); line = asking.readLine()) {
					if (line.matches("STAT \\d+:state .*")) {
						states.add(line.substring(line.lastIndexOf(' ') + 1));
					}
				}
				// memcached 1.6.18 answers the same for its listener, one idle connection and the asking one
				assertThat(states).containsExactly("conn_listening", "conn_read", "conn_parse_cmd");
			}
		}
	}

	@Test
	void boundUnixSocketAddressIsAJdkUnixDomainSocketAddress(@TempDir Path directory) {
		Path socketPath = directory.resolve("memcached.sock");
		start(new ConcurrentMapMemcachedStore(), ListenAddress.unix(socketPath));
		// the public API should not leak Netty's io.netty.channel.unix.DomainSocketAddress
		assertThat(this.server.boundAddresses()).singleElement()
			.isInstanceOfSatisfying(UnixDomainSocketAddress.class, (unix) -> assertThat(unix.getPath()).isEqualTo(socketPath));
	}

	@Test
	void aUnixSocketIsForItsOwnerOnlyUnlessToldOtherwise(@TempDir Path directory) throws Exception {
		Path socketPath = directory.resolve("memcached.sock");
		start(new ConcurrentMapMemcachedStore(), ListenAddress.unix(socketPath));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketPath))).isEqualTo("rwx------");
		this.server.stop(Duration.ofSeconds(5));
		// a socket left behind by an earlier run is taken over, with the mode asked for
		this.server = MemcachedServer.builder().listen(ListenAddress.unix(socketPath)).unixSocketMode(0770).build();
		this.server.start();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketPath))).isEqualTo("rwxrwx---");
		try (RawConnection raw = RawConnection.open(UnixDomainSocketAddress.of(socketPath))) {
			assertThat(raw.send("version\r\n").readLine()).startsWith("VERSION ");
		}
	}

	@Test
	void aFileThatIsNotASocketIsNeverReplaced(@TempDir Path directory) throws Exception {
		Path fifo = directory.resolve("memcached.sock");
		assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
		MemcachedServer server = MemcachedServer.builder().listen(ListenAddress.unix(fifo)).build();
		assertThatExceptionOfType(io.github.memcachedserver.server.MemcachedServerException.class).isThrownBy(server::start)
			.withMessageContaining("is not a socket");
		assertThat(Files.exists(fifo)).isTrue();
		assertThat(Files.isRegularFile(fifo) || Files.isDirectory(fifo)).isFalse();
	}

	@Test
	void unixSocketClientIsServedLikeATcpClient(@TempDir Path directory) throws Exception {
		Path socketPath = directory.resolve("mc.sock");
		start(new ConcurrentMapMemcachedStore(), ListenAddress.unix(socketPath));
		try (RawConnection raw = RawConnection.open(UnixDomainSocketAddress.of(socketPath))) {
			raw.send("set k 5 0 3\r\na\r\n\r\nget k\r\nincr n 1\r\nversion\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readLine()).isEqualTo("VALUE k 5 3");
			assertThat(raw.readBytes(5)).isEqualTo("a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(raw.readLine()).isEqualTo("END");
			assertThat(raw.readLine()).isEqualTo("NOT_FOUND");
			assertThat(raw.readLine()).startsWith("VERSION ");
		}
	}

	@Test
	void answersLeaveInRequestOrderWhenEarlierRequestsAreSlower() throws Exception {
		startOnLoopback(new SlowKeysHandler(Duration.ofMillis(300)));
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("set fast:1 0 0 2\r\nf1\r\nset slow:1 0 0 2\r\ns1\r\nset slow:2 0 0 2\r\ns2\r\nset fast:2 0 0 2\r\nf2\r\n");
			for (int i = 0; i < 4; i++) {
				assertThat(raw.readLine()).isEqualTo("STORED");
			}
			raw.send("get slow:1\r\nget fast:1\r\nget slow:2 fast:2 fast:1\r\nget fast:2\r\nversion\r\nget missing\r\nget slow:1\r\n");
			assertThat(raw.readRetrieval()).containsExactly("slow:1 0 s1");
			assertThat(raw.readRetrieval()).containsExactly("fast:1 0 f1");
			assertThat(raw.readRetrieval()).containsExactly("slow:2 0 s2", "fast:2 0 f2", "fast:1 0 f1");
			assertThat(raw.readRetrieval()).containsExactly("fast:2 0 f2");
			assertThat(raw.readLine()).startsWith("VERSION ");
			assertThat(raw.readRetrieval()).isEmpty();
			assertThat(raw.readRetrieval()).containsExactly("slow:1 0 s1");
		}
	}

	@Test
	void fastCommandsOfALaterReadWaitForASlowAnswerOfAnEarlierRead() throws Exception {
		SlowKeysHandler handler = new SlowKeysHandler(Duration.ofMillis(300));
		startOnLoopback(handler);
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("set fast:1 0 0 2\r\nf1\r\nget slow:1\r\n");
			assertThat(handler.firstSlowRead.await(5, TimeUnit.SECONDS)).isTrue();
			// a read of its own, while the slow answer is still on its way
			raw.send("get fast:1\r\nset fast:2 0 0 2\r\nf2\r\nversion\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readRetrieval()).isEmpty();
			assertThat(raw.readRetrieval()).containsExactly("fast:1 0 f1");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readLine()).startsWith("VERSION ");
			// and once it has been written, the event loop answers fast commands itself again
			raw.send("get fast:2\r\n");
			assertThat(raw.readRetrieval()).containsExactly("fast:2 0 f2");
			assertThat(handler.lastFastReadRanOnTheEventLoop).isTrue();
		}
	}

	@Test
	void answersKeepRequestOrderWhateverWaySlowAndFastCommandsAreSplitIntoReads() throws Exception {
		startOnLoopback(new SlowKeysHandler(Duration.ofMillis(1)));
		Random random = new Random(42);
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("set fast:v 0 0 1\r\nf\r\nset slow:v 0 0 1\r\ns\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readLine()).isEqualTo("STORED");
			StringBuilder requests = new StringBuilder();
			List<String> expected = new ArrayList<>();
			for (int i = 0; i < 2000; i++) {
				if (random.nextInt(4) == 0) {
					requests.append("get slow:v\r\n");
					expected.add("slow:v 0 s");
				}
				else if (random.nextBoolean()) {
					requests.append("get fast:v\r\n");
					expected.add("fast:v 0 f");
				}
				else {
					requests.append("get fast:missing\r\n");
					expected.add(null);
				}
			}
			byte[] bytes = requests.toString().getBytes(StandardCharsets.US_ASCII);
			for (int at = 0; at < bytes.length;) {
				// chunks that split commands anywhere, some of them after a pause so that they are reads of their own
				int length = Math.min(bytes.length - at, 1 + random.nextInt(200));
				raw.send(Arrays.copyOfRange(bytes, at, at + length));
				at += length;
				if (random.nextInt(8) == 0) {
					Thread.sleep(1);
				}
			}
			for (String value : expected) {
				List<String> answer = raw.readRetrieval();
				if (value == null) {
					assertThat(answer).isEmpty();
				}
				else {
					assertThat(answer).containsExactly(value);
				}
			}
		}
	}

	@Test
	void binaryAnswersKeepRequestOrderWhenSlowAndFastRequestsArePipelined() throws Exception {
		startOnLoopback(new SlowKeysHandler(Duration.ofMillis(1)));
		MemcachedClient client = TestClients.spymemcachedBinary(this.server.port());
		try {
			Random random = new Random(7);
			List<String> keys = new ArrayList<>();
			List<String> values = new ArrayList<>();
			List<Future<?>> writes = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				String key = (random.nextInt(4) == 0 ? "slow:" : "fast:") + i;
				// some answers too large to join a batch, which the event loop writes on their own
				String value = i + "-" + "v".repeat(random.nextInt(3) == 0 ? 4000 : 10);
				keys.add(key);
				values.add(value);
				writes.add(client.set(key, 0, value));
			}
			for (Future<?> write : writes) {
				assertThat(write.get(5, TimeUnit.SECONDS)).isEqualTo(Boolean.TRUE);
			}
			// spymemcached pipelines these on one connection and pairs each answer with its request
			List<Future<Object>> reads = new ArrayList<>();
			for (String key : keys) {
				reads.add(client.asyncGet(key));
			}
			for (int i = 0; i < keys.size(); i++) {
				assertThat(reads.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(values.get(i));
			}
		}
		finally {
			TestClients.shutdown(client);
		}
	}

	@Test
	void aWriteAfterASlowReadIsSeenByTheReadAfterIt() throws Exception {
		startOnLoopback(new SlowKeysHandler(Duration.ofMillis(200)));
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("get slow:x\r\nset slow:x 0 0 3\r\nnew\r\nget slow:x\r\ndelete slow:x\r\nget slow:x\r\n");
			assertThat(raw.readRetrieval()).isEmpty();
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readRetrieval()).containsExactly("slow:x 0 new");
			assertThat(raw.readLine()).isEqualTo("DELETED");
			assertThat(raw.readRetrieval()).isEmpty();
		}
	}

	@Test
	void commandFailedExceptionAnswersServerErrorAndKeepsTheConnection() throws Exception {
		startOnLoopback(new FailingHandler());
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("get fail:1\r\n");
			assertThat(raw.readLine()).isEqualTo("SERVER_ERROR backend unavailable");
			raw.send("set fail:2 0 0 1\r\nx\r\nset ok 0 0 2\r\nok\r\nget ok\r\n");
			assertThat(raw.readLine()).isEqualTo("SERVER_ERROR backend unavailable");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readRetrieval()).containsExactly("ok 0 ok");
		}
	}

	@Test
	void commandFailedExceptionThrownDirectlyAnswersServerErrorToo() throws Exception {
		startOnLoopback(new FailingHandler());
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("get throw:1\r\nget ok\r\n");
			assertThat(raw.readLine()).isEqualTo("SERVER_ERROR thrown before any Mono");
			assertThat(raw.readRetrieval()).isEmpty();
		}
	}

	@Test
	void serverErrorReachesXmemcachedWhichKeepsItsConnection() throws Exception {
		startOnLoopback(new FailingHandler());
		net.rubyeye.xmemcached.MemcachedClient client = TestClients.xmemcached(this.server.port());
		try {
			assertThatExceptionOfType(MemcachedServerException.class).isThrownBy(() -> client.get("fail:1"))
				.withMessageContaining("backend unavailable");
			assertThat(client.set("ok", 0, "fine")).isTrue();
			assertThat(client.<String>get("ok")).isEqualTo("fine");
		}
		finally {
			TestClients.shutdown(client);
		}
	}

	@Test
	void connectionAbortedExceptionAnswersServerErrorThenClosesTheConnection() throws Exception {
		startOnLoopback(new FailingHandler());
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("set ok 0 0 2\r\nok\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			raw.send("get abort:1\r\nget ok\r\n");
			assertThat(raw.readLine()).isEqualTo("SERVER_ERROR go away");
			assertThat(raw.isClosedByServer()).isTrue();
		}
		// only that connection is gone
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("get ok\r\n");
			assertThat(raw.readRetrieval()).containsExactly("ok 0 ok");
		}
	}

	@Test
	void keyValueHandlerAdaptedServesARealClient() throws Exception {
		MapKeyValueHandler backend = new MapKeyValueHandler();
		startOnLoopback(KeyValueHandler.adapt(backend));
		MemcachedClient client = TestClients.spymemcached(this.server.port());
		try {
			assertThat(client.get("k")).isNull();
			assertThat(client.set("k", 0, "v1").get()).isTrue();
			assertThat(client.get("k")).isEqualTo("v1");
			assertThat(backend.values.get("k")).isEqualTo("v1".getBytes(StandardCharsets.UTF_8));
			CASValue<Object> read = client.gets("k");
			assertThat(read.getValue()).isEqualTo("v1");
			assertThat(client.cas("k", read.getCas(), "v2")).isEqualTo(CASResponse.OK);
			assertThat(client.cas("k", read.getCas(), "v3")).isEqualTo(CASResponse.EXISTS);
			assertThat(client.cas("absent", read.getCas(), "v3")).isEqualTo(CASResponse.NOT_FOUND);
			assertThat(client.get("k")).isEqualTo("v2");
			assertThat(client.add("k", 0, "no").get()).isFalse();
			assertThat(client.replace("k", 0, "v3").get()).isTrue();
			assertThat(client.append("k", "+").get()).isTrue();
			assertThat(client.get("k")).isEqualTo("v3+");
			assertThat(client.set("n", 0, "41").get()).isTrue();
			assertThat(client.incr("n", 1)).isEqualTo(42);
			assertThat(client.decr("n", 50)).isZero();
			assertThat(client.incr("absent", 1)).isEqualTo(-1);
			assertThat(client.getBulk("k", "n", "absent")).containsOnlyKeys("k", "n");
			assertThat(client.delete("k").get()).isTrue();
			assertThat(client.delete("k").get()).isFalse();
			assertThat(client.get("k")).isNull();
			assertThat(backend.values).containsOnlyKeys("n");
		}
		finally {
			TestClients.shutdown(client);
		}
	}

	@Test
	void keyValueHandlerAdaptedAnswersCommandsItCannotServeWithServerError() throws Exception {
		startOnLoopback(KeyValueHandler.adapt(new MapKeyValueHandler()));
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("flush_all\r\n");
			assertThat(raw.readLine()).startsWith("SERVER_ERROR ");
			raw.send("set k 0 0 1\r\nv\r\nget k\r\n");
			assertThat(raw.readLine()).isEqualTo("STORED");
			assertThat(raw.readRetrieval()).containsExactly("k 0 v");
		}
	}

	@Test
	void connectionHooksAreCalledOnceEachWithTheSession() throws Exception {
		RecordingHooksHandler handler = new RecordingHooksHandler();
		startOnLoopback(handler);
		InetSocketAddress clientAddress;
		try (RawConnection first = RawConnection.open(this.server.port());
				RawConnection second = RawConnection.open(this.server.port())) {
			first.send("get session\r\n");
			String firstId = first.readRetrieval().get(0);
			second.send("get session\r\n");
			String secondId = second.readRetrieval().get(0);
			assertThat(firstId).isNotEqualTo(secondId);
			// per-connection state survives between commands of one connection
			first.send("get session\r\n");
			assertThat(first.readRetrieval()).containsExactly(firstId);
			assertThat(handler.opened).hasSize(2);
			assertThat(handler.closed).isEmpty();
			clientAddress = (InetSocketAddress) handler.opened.get(0).remoteAddress();
		}
		assertThat(handler.bothClosed.await(5, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(100);
		assertThat(handler.opened).hasSize(2).doesNotHaveDuplicates();
		assertThat(handler.closed).hasSize(2).doesNotHaveDuplicates();
		assertThat(handler.closed).containsExactlyInAnyOrderElementsOf(handler.opened);
		Session session = handler.opened.get(0);
		assertThat(session.localAddress()).isInstanceOfSatisfying(InetSocketAddress.class,
				(local) -> assertThat(local.getPort()).isEqualTo(this.server.port()));
		assertThat(clientAddress.getAddress().isLoopbackAddress()).isTrue();
		assertThat(handler.openedCalls.get()).isEqualTo(2);
		assertThat(handler.closedCalls.get()).isEqualTo(2);
	}

	@Test
	void connectionClosedHookRunsWhenTheServerClosesTheConnection() throws Exception {
		RecordingHooksHandler handler = new RecordingHooksHandler();
		startOnLoopback(handler);
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("quit\r\n");
			assertThat(raw.isClosedByServer()).isTrue();
		}
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("get abort\r\n");
			assertThat(raw.readLine()).isEqualTo("SERVER_ERROR aborted by handler");
			assertThat(raw.isClosedByServer()).isTrue();
		}
		assertThat(handler.bothClosed.await(5, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(100);
		assertThat(handler.openedCalls.get()).isEqualTo(2);
		assertThat(handler.closedCalls.get()).isEqualTo(2);
	}

	@Test
	void gracefulStopAnswersPipelinedRequestsAlreadySentThenCloses() throws Exception {
		SlowKeysHandler handler = new SlowKeysHandler(Duration.ofMillis(500));
		startOnLoopback(handler);
		int port = this.server.port();
		try (RawConnection raw = RawConnection.open(port)) {
			raw.send("set slow:a 0 0 1\r\na\r\nset slow:b 0 0 1\r\nb\r\nset fast:c 0 0 1\r\nc\r\n");
			for (int i = 0; i < 3; i++) {
				assertThat(raw.readLine()).isEqualTo("STORED");
			}
			handler.firstSlowRead = new CountDownLatch(1);
			raw.send("get slow:a\r\nget slow:b\r\nget fast:c\r\n");
			assertThat(handler.firstSlowRead.await(5, TimeUnit.SECONDS)).isTrue();
			// the whole pipeline has arrived; stop while the first answer is still being computed
			Thread.sleep(50);
			Thread stopper = new Thread(() -> this.server.stop(Duration.ofSeconds(10)));
			stopper.start();
			assertThat(raw.readRetrieval()).containsExactly("slow:a 0 a");
			assertThat(raw.readRetrieval()).containsExactly("slow:b 0 b");
			assertThat(raw.readRetrieval()).containsExactly("fast:c 0 c");
			assertThat(raw.isClosedByServer()).isTrue();
			stopper.join(10_000);
			assertThat(stopper.isAlive()).isFalse();
		}
		assertThat(this.server.isRunning()).isFalse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
	}

	@Test
	void idleConnectionsAreClosedByGracefulStop() throws Exception {
		startOnLoopback(new ConcurrentMapMemcachedStore());
		try (RawConnection raw = RawConnection.open(this.server.port())) {
			raw.send("version\r\n");
			assertThat(raw.readLine()).startsWith("VERSION ");
			long started = System.nanoTime();
			this.server.stop(Duration.ofSeconds(10));
			assertThat(raw.isClosedByServer()).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		}
	}

	/** Delegates to the built-in store, but answers reads of {@code slow:*} keys late. */
	static final class SlowKeysHandler extends StoreBackedHandler {

		private final Duration delay;

		volatile CountDownLatch firstSlowRead = new CountDownLatch(1);

		/** Whether the last read of a fast key was run by the command queue itself, on the event loop. */
		volatile boolean lastFastReadRanOnTheEventLoop;

		SlowKeysHandler(Duration delay) {
			this.delay = delay;
		}

		@Override
		public Mono<Item> get(Session session, Key key) {
			if (key.startsWith("slow:")) {
				this.firstSlowRead.countDown();
				return Mono.delay(this.delay).then(this.store.get(session, key));
			}
			this.lastFastReadRanOnTheEventLoop = StackWalker.getInstance()
				.walk((frames) -> frames.anyMatch((frame) -> frame.getClassName().equals(CommandQueue.class.getName())
						&& frame.getMethodName().equals("startNext")));
			return super.get(session, key);
		}

	}

	/** Fails {@code fail:*} keys, aborts the connection on {@code abort:*} keys. */
	static final class FailingHandler implements MemcachedCommandHandler {

		private final ConcurrentMapMemcachedStore store = new ConcurrentMapMemcachedStore();

		@Override
		public Mono<Item> get(Session session, Key key) {
			if (key.startsWith("fail:")) {
				return Mono.error(new CommandFailedException("backend unavailable"));
			}
			if (key.startsWith("abort:")) {
				return Mono.error(new ConnectionAbortedException("go away"));
			}
			if (key.startsWith("throw:")) {
				throw new CommandFailedException("thrown before any Mono");
			}
			return this.store.get(session, key);
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			if (key.startsWith("fail:")) {
				return Mono.error(new CommandFailedException("backend unavailable"));
			}
			return this.store.set(session, key, entry);
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return this.store.delete(session, key);
		}

	}

	/** A {@link KeyValueHandler} over a map: the minimal contract. */
	static final class MapKeyValueHandler implements KeyValueHandler {

		final Map<String, byte[]> values = new ConcurrentHashMap<>();

		@Override
		public Mono<byte[]> get(Session session, Key key) {
			return Mono.justOrEmpty(this.values.get(key.toString()));
		}

		@Override
		public Mono<Void> set(Session session, Key key, byte[] value) {
			this.values.put(key.toString(), value);
			return Mono.empty();
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(this.values.remove(key.toString()) != null);
		}

	}

	/** Records the connection hooks; {@code get session} answers the connection's own id. */
	static final class RecordingHooksHandler implements MemcachedCommandHandler {

		final List<Session> opened = new CopyOnWriteArrayList<>();

		final List<Session> closed = new CopyOnWriteArrayList<>();

		final AtomicInteger openedCalls = new AtomicInteger();

		final AtomicInteger closedCalls = new AtomicInteger();

		final CountDownLatch bothClosed = new CountDownLatch(2);

		@Override
		public void connectionOpened(Session session) {
			this.openedCalls.incrementAndGet();
			this.opened.add(session);
			session.attributes().put("token", "session-" + session.id());
		}

		@Override
		public void connectionClosed(Session session) {
			this.closedCalls.incrementAndGet();
			this.closed.add(session);
			this.bothClosed.countDown();
		}

		@Override
		public Mono<Item> get(Session session, Key key) {
			if (key.toString().equals("abort")) {
				return Mono.error(new ConnectionAbortedException("aborted by handler"));
			}
			Object token = session.attributes().get("token");
			return Mono.just(Item.of(String.valueOf(token).getBytes(StandardCharsets.UTF_8)));
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return Mono.just(StoreResult.NOT_STORED);
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(false);
		}

	}

}
