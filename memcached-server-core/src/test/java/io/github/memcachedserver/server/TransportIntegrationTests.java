package io.github.memcachedserver.server;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each transport a user can choose, over real sockets: real clients in text and binary, a unix
 * socket listener and a connection accepted elsewhere; a transport the machine lacks fails the
 * start instead of quietly running another.
 */
@Timeout(60)
class TransportIntegrationTests {

	private MemcachedServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.stop(Duration.ofSeconds(5));
		}
	}

	@Test
	void autoTakesEpollElseNio() {
		this.server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();
		Transport expected = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
		assertThat(this.server.transport()).isEqualTo(expected);
	}

	@ParameterizedTest
	@EnumSource(names = { "IO_URING", "EPOLL", "NIO" })
	void servesRealClientsAUnixSocketAndAnAcceptedConnectionOnEachTransport(Transport transport,
			@TempDir Path directory) throws Exception {
		if (!available(transport)) {
			MemcachedServer unavailable = MemcachedServer.builder().listen("127.0.0.1:0").transport(transport).build();
			assertThatExceptionOfType(MemcachedServerException.class).isThrownBy(unavailable::start)
				.withMessageContaining("not available");
			return;
		}
		Path socket = directory.resolve("memcached.sock");
		this.server = MemcachedServer.builder()
			.listen("127.0.0.1:0")
			.listen(ListenAddress.unix(socket))
			.transport(transport)
			.build()
			.start();
		assertThat(this.server.transport()).isEqualTo(transport);
		// a value larger than a socket buffer, written and read back by each protocol's client
		byte[] large = new byte[512 * 1024];
		Arrays.fill(large, (byte) 'v');
		MemcachedClient text = TestClients.spymemcached(this.server.port());
		MemcachedClient binary = TestClients.spymemcachedBinary(this.server.port());
		try {
			assertThat(text.set("large", 0, large).get(5, TimeUnit.SECONDS)).isTrue();
			assertThat((byte[]) binary.get("large")).isEqualTo(large);
			assertThat(binary.set("small", 0, "binary").get(5, TimeUnit.SECONDS)).isTrue();
			assertThat(text.getBulk(List.of("small", "large"))).containsOnlyKeys("small", "large");
		}
		finally {
			TestClients.shutdown(text);
			TestClients.shutdown(binary);
		}
		try (RawConnection unix = RawConnection.open(UnixDomainSocketAddress.of(socket))) {
			unix.send("get small\r\n");
			assertThat(unix.readRetrieval()).containsExactly("small 0 binary");
		}
		assertThat(exchangeOverAnAcceptedConnection()).isEqualTo("VALUE small 0 6\r\nbinary\r\nEND\r\n");
	}

	private static boolean available(Transport transport) {
		return switch (transport) {
			case IO_URING -> IoUring.isAvailable();
			case EPOLL -> Epoll.isAvailable();
			default -> true;
		};
	}

	private String exchangeOverAnAcceptedConnection() throws Exception {
		String expected = "VALUE small 0 6\r\nbinary\r\nEND\r\n";
		try (ServerSocketChannel acceptor = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
				SocketChannel client = SocketChannel.open(acceptor.getLocalAddress())) {
			this.server.serve(acceptor.accept());
			client.write(ByteBuffer.wrap("get small\r\n".getBytes(StandardCharsets.US_ASCII)));
			ByteBuffer answer = ByteBuffer.allocate(expected.length());
			while (answer.hasRemaining() && client.read(answer) >= 0) {
				// read until the whole answer is in
			}
			return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
		}
	}

}
