package io.github.memcachedserver.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

	/** memcached counts each listening socket it opens as a connection in {@code total_connections}. */
	@Test
	void totalConnectionsCountsTheListenersAsMemcachedDoes() throws IOException {
		SocketAddress first = this.server.boundAddresses().get(0);
		assertThat(exchange(first, "version\r\n", "VERSION 1.6.18\r\n".length())).startsWith("VERSION");
		assertThat(this.server.stats("")).containsEntry("total_connections", "2");
		this.server.open(ListenAddress.parse("127.0.0.1:0"));
		assertThat(this.server.stats("")).containsEntry("total_connections", "3");
		assertThat(exchange(first, "stats reset\r\n", "RESET\r\n".length())).isEqualTo("RESET\r\n");
		assertThat(this.server.stats("")).containsEntry("total_connections", "0");
	}

	/**
	 * memcached lists its listening sockets among its connections, by file descriptor: those
	 * opened at start come before the connections they accept.
	 */
	@Test
	void statsConnsListsTheListenersAsTheyOpenAndClose(@TempDir Path directory) throws IOException {
		InetSocketAddress first = (InetSocketAddress) this.server.boundAddresses().get(0);
		try (RawConnection client = RawConnection.open(first)) {
			Map<String, String> conns = statsConns(client);
			assertThat(conns.keySet()).containsExactly("1:addr", "1:state", "1:secs_since_last_cmd", "2:addr",
					"2:listen_addr", "2:state", "2:secs_since_last_cmd");
			assertThat(conns).containsEntry("1:addr", "tcp:127.0.0.1:" + first.getPort())
				.containsEntry("1:state", "conn_listening")
				.containsEntry("2:listen_addr", "tcp:127.0.0.1:" + first.getPort())
				.containsEntry("2:state", "conn_parse_cmd");
			assertThat(conns.get("1:secs_since_last_cmd")).matches("\\d+");
			Path socket = directory.resolve("memcached.sock");
			InetSocketAddress v6 = (InetSocketAddress) this.server.open(ListenAddress.parse("[::1]:0"));
			this.server.open(ListenAddress.unix(socket));
			assertThat(statsConns(client)).containsEntry("3:addr", "tcp6:[::1]:" + v6.getPort())
				.containsEntry("3:state", "conn_listening")
				.containsEntry("4:addr", "unix:" + socket)
				.containsEntry("4:state", "conn_listening");
			try (RawConnection unixClient = RawConnection.open(UnixDomainSocketAddress.of(socket))) {
				assertThat(unixClient.send("version\r\n").readLine()).startsWith("VERSION ");
				// memcached keeps no address for a unix socket's client
				assertThat(statsConns(client)).containsEntry("5:addr", "?:<AF 0>")
					.containsEntry("5:listen_addr", "unix:" + socket)
					.containsEntry("5:state", "conn_read");
			}
			assertThat(this.server.close(v6)).isTrue();
			assertThat(statsConns(client)).doesNotContainKeys("3:addr", "3:state")
				.containsEntry("4:addr", "unix:" + socket);
			// as management tools see it
			assertThat(this.server.stats("conns")).containsEntry("1:state", "conn_listening")
				.containsEntry("2:state", "conn_read");
		}
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

	private static Map<String, String> statsConns(RawConnection client) throws IOException {
		client.send("stats conns\r\n");
		Map<String, String> stats = new LinkedHashMap<>();
		for (String line = client.readLine(); !line.equals("END"); line = client.readLine()) {
			String[] words = line.split(" ", 3);
			stats.put(words[1], words[2]);
		}
		return stats;
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
