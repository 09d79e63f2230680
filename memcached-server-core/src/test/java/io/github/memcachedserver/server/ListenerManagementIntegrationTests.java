package io.github.memcachedserver.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ListenerManagementIntegrationTests {

	private final MemcachedServer server = MemcachedServer.builder().listen("127.0.0.1:0").build().start();

	@AfterEach
	void stop() {
		this.server.stop();
	}

	@Test
	void opensAndClosesListenersAtRunTime() throws IOException {
		ListenAddress extra = ListenAddress.parse("127.0.0.1:0");
		SocketAddress bound = this.server.open(extra);
		assertThat(this.server.boundAddresses()).hasSize(2);
		assertThat(exchange(bound, "set k 0 0 1\r\nv\r\n", "STORED\r\n".length())).isEqualTo("STORED\r\n");
		assertThat(this.server.close(bound)).isTrue();
		assertThat(this.server.boundAddresses()).hasSize(1);
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket().connect(bound, 1000));
		assertThat(exchange(this.server.boundAddresses().get(0), "get k\r\n", 21)).isEqualTo("VALUE k 0 1\r\nv\r\nEND\r\n");
		this.server.closeAll();
		assertThat(this.server.boundAddresses()).isEmpty();
	}

	@Test
	void statsTellWhetherAListenerAcceptsAndTheProcesssCpuTime() {
		assertThat(this.server.stats("")).containsEntry("accepting_conns", "1")
			.hasEntrySatisfying("rusage_user", (time) -> assertThat(time).matches("\\d+\\.\\d{6}"))
			.hasEntrySatisfying("rusage_system", (time) -> assertThat(time).matches("\\d+\\.\\d{6}"));
		this.server.closeAll();
		assertThat(this.server.stats("")).containsEntry("accepting_conns", "0");
	}

	@Test
	void refusesAnAddressThatCannotBeBound() throws IOException {
		try (ServerSocketChannel taken = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
			int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
			assertThatExceptionOfType(MemcachedServerException.class)
				.isThrownBy(() -> this.server.open(ListenAddress.tcp("127.0.0.1", port)))
				.withMessageContaining("127.0.0.1:" + port);
		}
	}

	@Test
	void servesAConnectionAcceptedElsewhere() throws IOException {
		try (ServerSocketChannel acceptor = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
				SocketChannel client = SocketChannel.open(acceptor.getLocalAddress())) {
			SocketChannel accepted = acceptor.accept();
			this.server.serve(accepted);
			client.write(ByteBuffer.wrap("set k 0 0 2\r\nhi\r\nget k\r\n".getBytes(StandardCharsets.US_ASCII)));
			String expected = "STORED\r\nVALUE k 0 2\r\nhi\r\nEND\r\n";
			ByteBuffer answer = ByteBuffer.allocate(expected.length());
			while (answer.hasRemaining() && client.read(answer) >= 0) {
				// read until the whole answer is in
			}
			assertThat(new String(answer.array(), StandardCharsets.US_ASCII)).isEqualTo(expected);
		}
	}

	private static String exchange(SocketAddress address, String request, int answerLength) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(address, 2000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			byte[] answer = in.readNBytes(answerLength);
			return new String(answer, StandardCharsets.US_ASCII);
		}
	}

}
