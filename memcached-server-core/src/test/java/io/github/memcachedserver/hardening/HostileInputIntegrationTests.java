package io.github.memcachedserver.hardening;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.Transport;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hostile and broken clients over real sockets, each bounded in time. After each one a fresh
 * client must be served correctly and the heap (after explicit GC, MemoryMXBean) must stay
 * within {@link #HEAP_GROWTH_BOUND} of what it was before the class ran.
 */
@Timeout(30)
class HostileInputIntegrationTests {

	/** How much the heap may grow over the whole class, after GC. */
	static final long HEAP_GROWTH_BOUND = 48L * 1024 * 1024;

	private static MemcachedServer server;

	private static long baselineHeap;

	@BeforeAll
	static void startServer() throws Exception {
		server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
		Probes.assertFreshClientServed(server);
		baselineHeap = Probes.heapAfterGc();
	}

	@AfterAll
	static void stopServer() {
		server.stop(Duration.ofSeconds(2));
	}

	@AfterEach
	void serverStillServesAndHeapIsBounded() throws Exception {
		Probes.assertFreshClientServed(server);
		long heap = Probes.heapAfterGc();
		System.out.printf("[hardening] heap after GC: %d MiB (baseline %d MiB, bound +%d MiB); Netty direct: %d MiB%n",
				Probes.mib(heap), Probes.mib(baselineHeap), Probes.mib(HEAP_GROWTH_BOUND),
				Probes.mib(Probes.nettyDirectMemory()));
		assertThat(heap).isLessThan(baselineHeap + HEAP_GROWTH_BOUND);
	}

	@Test
	void aOneMegabyteLineWithoutNewlineIsCutOff() throws Exception {
		try (Socket socket = Probes.connect(server.port())) {
			byte[] line = new byte[1024 * 1024];
			Arrays.fill(line, (byte) 'a');
			writeIgnoringHangup(socket, line);
			// memcached gives up on a line it cannot buffer and hangs up
			assertThat(Probes.closedByServer(socket)).isTrue();
		}
	}

	@Test
	void aOneMegabyteMultiGetLineWithoutNewlineIsCutOff() throws Exception {
		try (Socket socket = Probes.connect(server.port())) {
			StringBuilder line = new StringBuilder("get");
			while (line.length() < 1024 * 1024) {
				line.append(" key").append(line.length());
			}
			writeIgnoringHangup(socket, line.toString().getBytes(StandardCharsets.US_ASCII));
			assertThat(Probes.closedByServer(socket)).isTrue();
		}
	}

	@Test
	void aSetDeclaringTwoToTheFortyBytesBuffersNothing() throws Exception {
		long before = Probes.heapAfterGc();
		try (Socket socket = Probes.connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			// memcached 1.6.18 keeps the low 32 bits of the length (checked against the real
			// server): 2^40 becomes an empty value, whose "\r\n" is the next line
			out.write("set huge 0 0 1099511627776\r\n\r\nget huge\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(Probes.readLine(in)).isEqualTo("STORED");
			assertThat(Probes.readLine(in)).isEqualTo("VALUE huge 0 0");
			assertThat(Probes.readLine(in)).isEmpty();
			assertThat(Probes.readLine(in)).isEqualTo("END");
			// 2^31 and above, wrapped to a negative length, is refused and the connection lives
			out.write("set huge 0 0 2147483648\r\nversion\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(Probes.readLine(in)).isEqualTo("CLIENT_ERROR bad command line format");
			assertThat(Probes.readLine(in)).startsWith("VERSION ");
		}
		assertThat(Probes.heapAfterGc()).isLessThan(before + 8L * 1024 * 1024);
	}

	@Test
	void aSetDeclaringAGigabyteIsSwallowedWithoutBufferingIt() throws Exception {
		long before = Probes.heapAfterGc();
		try (Socket socket = Probes.connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			out.write("set huge 0 0 1073741824\r\n".getBytes(StandardCharsets.US_ASCII));
			byte[] chunk = new byte[64 * 1024];
			for (int i = 0; i < 256; i++) {
				out.write(chunk);
			}
			out.flush();
			// 16 MiB of the declared 1 GiB are in: nothing of it may be kept
			long during = Probes.heapAfterGc();
			System.out.printf("[hardening] heap while a 1 GiB set streams in: %d MiB (before %d MiB)%n",
					Probes.mib(during), Probes.mib(before));
			assertThat(during).isLessThan(before + 8L * 1024 * 1024);
		}
	}

	@Test
	void aSlowlorisClientIsKeptAndAnsweredCorrectly() throws Exception {
		try (Socket socket = Probes.connect(server.port())) {
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			byte[] request = "set slow 3 0 10\r\n0123456789\r\nget slow\r\n".getBytes(StandardCharsets.US_ASCII);
			long start = System.nanoTime();
			for (byte b : request) {
				out.write(b);
				out.flush();
				Thread.sleep(100);
				if (b == '\n' && in.available() == 0) {
					// meanwhile another client is served normally
					Probes.assertFreshClientServed(server);
				}
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
			assertThat(Probes.readLine(in)).isEqualTo("STORED");
			assertThat(Probes.readLine(in)).isEqualTo("VALUE slow 3 10");
			assertThat(Probes.readLine(in)).isEqualTo("0123456789");
			assertThat(Probes.readLine(in)).isEqualTo("END");
		}
	}

	@Test
	void garbageBytesGetErrorsOrAHangupAndNothingElse() throws Exception {
		Random random = new Random(42);
		for (int round = 0; round < 20; round++) {
			byte[] garbage = new byte[1 + random.nextInt(256 * 1024)];
			random.nextBytes(garbage);
			try (Socket socket = Probes.connect(server.port())) {
				writeIgnoringHangup(socket, garbage);
				try {
					socket.shutdownOutput();
				}
				catch (IOException ex) {
					// already hung up
				}
				Probes.Drained answers = Probes.drain(socket, Duration.ofSeconds(10));
				List<String> lines = Responses.parse(answers.bytes(), answers.reset());
				assertThat(lines).allSatisfy((line) -> assertThat(line).matches("(ERROR|CLIENT_ERROR|SERVER_ERROR).*|[A-Z_]+.*"));
			}
		}
	}

	/**
	 * Repeated because the failure on the epoll transport is timing dependent. Runs on io_uring
	 * where the kernel allows it, and passes there as on NIO.
	 * <p>
	 * Not run on epoll because of a bug in Netty's epoll transport (in 4.2.15, which we use, and
	 * still in 4.2.20): when a channel's epoll interest set becomes empty, the registration in
	 * {@code EpollIoHandler} removes the socket from epoll ({@code EPOLL_CTL_DEL}) but keeps its
	 * state "added", so the next interest it registers is an {@code EPOLL_CTL_MOD}, which fails
	 * with {@code ENOENT}; Netty then shuts the output down and the client's answers end early.
	 * An open connection always keeps {@code EPOLLRDHUP} in its set. After the client's FIN only
	 * {@code EPOLLOUT} is left, and only while answers wait for the socket, so the set empties
	 * whenever the client has taken every answer written so far; the next answer that fills the
	 * socket buffer is lost. Nothing outside Netty can keep the set from emptying. The fix
	 * belongs in Netty: after that {@code EPOLL_CTL_DEL}, mark the registration as not added, so
	 * that the next non-empty interest set is added again ({@code EPOLL_CTL_ADD}).
	 */
	@Test
	void aHalfClosedPipelineGetsEveryAnswerOnIoUring() throws Exception {
		assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
		MemcachedServer ioUring = MemcachedServer.builder().listen("127.0.0.1:0").transport(Transport.IO_URING)
			.build()
			.start();
		try {
			for (int run = 0; run < 10; run++) {
				halfClosedPipeline(ioUring.port());
			}
		}
		finally {
			ioUring.stop(Duration.ofSeconds(2));
		}
	}

	/** What the io_uring test checks, on the NIO transport, which users can choose where there is no io_uring. */
	@Test
	void aHalfClosedPipelineGetsEveryAnswerOnNio() throws Exception {
		MemcachedServer nio = MemcachedServer.builder().listen("127.0.0.1:0").transport(Transport.NIO).build().start();
		try {
			for (int run = 0; run < 10; run++) {
				halfClosedPipeline(nio.port());
			}
		}
		finally {
			nio.stop(Duration.ofSeconds(2));
		}
	}

	private void halfClosedPipeline(int port) throws Exception {
		byte[] value = new byte[200 * 1024];
		Arrays.fill(value, (byte) 'v');
		int gets = 100;
		try (Socket socket = Probes.connect(port)) {
			OutputStream out = socket.getOutputStream();
			out.write("set halfclosed 0 0 204800\r\n".getBytes(StandardCharsets.US_ASCII));
			out.write(value);
			out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
			// 20 MiB of answers, far beyond the outbound cap: most are still to run at the end of input
			for (int i = 0; i < gets; i++) {
				out.write("get halfclosed\r\nincr missing 1\r\n".getBytes(StandardCharsets.US_ASCII));
			}
			out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			socket.shutdownOutput();
			Probes.Drained answers = Probes.drain(socket, Duration.ofSeconds(20));
			assertThat(answers.reset()).isFalse();
			List<String> lines = Responses.parse(answers.bytes(), false);
			assertThat(lines).hasSize(2 + 2 * gets);
			assertThat(lines.get(0)).isEqualTo("STORED");
			for (int i = 0; i < gets; i++) {
				assertThat(lines.get(1 + 2 * i)).isEqualTo("VALUE halfclosed 0 204800");
				assertThat(lines.get(2 + 2 * i)).isEqualTo("NOT_FOUND");
			}
			assertThat(lines.get(lines.size() - 1)).startsWith("VERSION ");
		}
	}

	private static void writeIgnoringHangup(Socket socket, byte[] bytes) {
		try {
			OutputStream out = socket.getOutputStream();
			for (int i = 0; i < bytes.length; i += 8192) {
				out.write(bytes, i, Math.min(8192, bytes.length - i));
			}
			out.flush();
		}
		catch (IOException ex) {
			// the server hung up before reading everything: that is one of the accepted outcomes
		}
	}

}
