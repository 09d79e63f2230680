package io.github.memcachedserver.hardening;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory a client can make the server hold with little traffic of its own.
 * <p>
 * Both tests expose open bugs outside the server pipeline (see the hardening report): a
 * multi-get answer is built as one buffer holding every value, and a storage command's whole
 * value array is allocated as soon as its line is read.
 */
@Timeout(30)
class AnswerAmplificationIntegrationTests {

	private static final int VALUE_SIZE = 1000 * 1000;

	@Test
	void aMultiGetRepeatingALargeKeyDoesNotMaterializeItsWholeAnswer() throws Exception {
		MemcachedServer server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
		try (Socket setter = Probes.connect(server.port()); Socket lazy = Probes.connect(server.port())) {
			OutputStream out = setter.getOutputStream();
			out.write(("set big 0 0 " + VALUE_SIZE + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.write(new byte[VALUE_SIZE]);
			out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(Probes.readLine(setter.getInputStream())).isEqualTo("STORED");
			long directBefore = Probes.nettyDirectMemory();
			// a 2.4 KB line asking for the 1 MB value 600 times: 600 MB of answer
			lazy.getOutputStream().write(("get" + " big".repeat(600) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			lazy.getOutputStream().flush();
			Thread.sleep(1000);
			long held = Probes.nettyDirectMemory() - directBefore;
			System.out.printf("[hardening] one 600-key multi-get of a 1 MB value, unread: +%d MiB direct%n", Probes.mib(held));
			assertThat(held).as("direct memory held for one unread multi-get").isLessThan(64L * 1024 * 1024);
			Probes.assertFreshClientServed(server);
		}
		finally {
			server.stop(Duration.ofSeconds(2));
		}
	}

	@Test
	void declaredButUnsentValuesAreNotAllocatedUpFront() throws Exception {
		MemcachedServer server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
		Socket[] sockets = new Socket[200];
		try {
			long heapBefore = Probes.heapAfterGc();
			for (int i = 0; i < sockets.length; i++) {
				sockets[i] = Probes.connect(server.port());
				sockets[i].getOutputStream().write(("set pending" + i + " 0 0 " + VALUE_SIZE + "\r\nx").getBytes(StandardCharsets.US_ASCII));
				sockets[i].getOutputStream().flush();
			}
			Thread.sleep(500);
			long held = Probes.heapAfterGc() - heapBefore;
			System.out.printf("[hardening] 200 connections each declaring a 1 MB set and sending 1 byte: heap +%d MiB%n",
					Probes.mib(held));
			assertThat(held).as("heap held for 200 declared, unsent values").isLessThan(64L * 1024 * 1024);
			Probes.assertFreshClientServed(server);
		}
		finally {
			for (Socket socket : sockets) {
				if (socket != null) {
					socket.close();
				}
			}
			server.stop(Duration.ofSeconds(2));
		}
	}

}
