package io.github.memcachedserver.hardening;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that pipelines gets of a 500 KB value (about 1 GB of answers) and never reads
 * them. Without a bound, reactor-netty keeps up to 128 answers queued per connection (64 MB
 * here, measured); with the outbound cap the server stops running that client's commands
 * once 1 MiB waits, and closes it when it takes nothing for the stall timeout. Other
 * clients are served throughout.
 */
@Timeout(30)
class SlowReaderIntegrationTests {

	private static final int VALUE_SIZE = 500 * 1000;

	private static final int GETS = 2000;

	/** Netty direct memory the stalled connection may hold: the 1 MiB cap, one answer, pool slack. */
	private static final long DIRECT_BOUND = 8L * 1024 * 1024;

	private static final long HEAP_BOUND = 16L * 1024 * 1024;

	/**
	 * Answer bytes the server may produce for a client that reads nothing: what the two
	 * kernels' socket buffers absorb (a few MiB on loopback), the 1 MiB cap and one answer.
	 * Without the cap it is 128 answers (64 MB) at once and more as the kernel drains.
	 */
	private static final long PRODUCED_BOUND = 16L * 1024 * 1024;

	private MemcachedServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop(Duration.ofSeconds(2));
		}
	}

	@Test
	void aClientThatNeverReadsIsHeldToTheCapAndCutOff() throws Exception {
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").outboundStallTimeout(Duration.ofSeconds(1)).build().start();
		long heapBefore = Probes.heapAfterGc();
		long directBefore = Probes.nettyDirectMemory();
		storeBigValue();
		long producedBefore = this.server.statistics().bytesWritten();
		try (Socket lazy = neverReadingClient()) {
			Thread.sleep(500);
			long produced = this.server.statistics().bytesWritten() - producedBefore;
			long direct = Probes.nettyDirectMemory() - directBefore;
			long heap = Probes.heapAfterGc() - heapBefore;
			System.out.printf("[hardening] never-reading client, stall timeout 1s: %d MiB of answers produced "
					+ "(of %d MiB asked), +%d MiB direct, +%d MiB heap%n", Probes.mib(produced),
					Probes.mib((long) GETS * VALUE_SIZE), Probes.mib(direct), Probes.mib(heap));
			assertThat(produced).isLessThan(PRODUCED_BOUND);
			assertThat(direct).isLessThan(DIRECT_BOUND);
			assertThat(heap).isLessThan(HEAP_BOUND);
			Probes.assertFreshClientServed(this.server);
			long start = System.nanoTime();
			// the stalled connection is closed after one to two stall periods
			assertThat(Probes.await(Duration.ofSeconds(5), () -> this.server.statistics().currentConnections() == 0))
				.as("stalled connection closed").isTrue();
			System.out.printf("[hardening] stalled connection closed %d ms after the measurement%n",
					Duration.ofNanos(System.nanoTime() - start).toMillis());
		}
		Probes.assertFreshClientServed(this.server);
	}

	@Test
	void withoutAStallTimeoutTheClientIsKeptWithBoundedMemory() throws Exception {
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").outboundStallTimeout(Duration.ZERO).build().start();
		long heapBefore = Probes.heapAfterGc();
		long directBefore = Probes.nettyDirectMemory();
		storeBigValue();
		long producedBefore = this.server.statistics().bytesWritten();
		try (Socket lazy = neverReadingClient(); Socket lazy2 = neverReadingClient()) {
			Thread.sleep(2000);
			long produced = this.server.statistics().bytesWritten() - producedBefore;
			long direct = Probes.nettyDirectMemory() - directBefore;
			long heap = Probes.heapAfterGc() - heapBefore;
			System.out.printf("[hardening] two never-reading clients kept 2 s: %d MiB of answers produced, +%d MiB direct, "
					+ "+%d MiB heap%n", Probes.mib(produced), Probes.mib(direct), Probes.mib(heap));
			assertThat(produced).isLessThan(2 * PRODUCED_BOUND);
			assertThat(direct).isLessThan(2 * DIRECT_BOUND);
			assertThat(heap).isLessThan(HEAP_BOUND);
			assertThat(this.server.statistics().currentConnections()).isEqualTo(2);
			Probes.assertFreshClientServed(this.server);
			// it is still served once it reads: the next answer is a whole VALUE block
			lazy.setSoTimeout(5000);
			String first = Probes.readLine(lazy.getInputStream());
			assertThat(first).isEqualTo("VALUE big 0 " + VALUE_SIZE);
		}
	}

	private void storeBigValue() throws Exception {
		try (Socket setter = Probes.connect(this.server.port())) {
			OutputStream out = setter.getOutputStream();
			out.write(("set big 0 0 " + VALUE_SIZE + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.write(new byte[VALUE_SIZE]);
			out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(Probes.readLine(setter.getInputStream())).isEqualTo("STORED");
		}
	}

	private Socket neverReadingClient() throws Exception {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.connect(new InetSocketAddress("127.0.0.1", this.server.port()));
		OutputStream out = socket.getOutputStream();
		StringBuilder gets = new StringBuilder();
		for (int i = 0; i < GETS; i++) {
			gets.append("get big\r\n");
		}
		out.write(gets.toString().getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return socket;
	}

}
