package io.github.memcachedserver.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.uring.IoUring;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The standalone server's {@code --transport} flag, run as a process of its own: a transport
 * it is given serves a real client, a transport it does not know is a usage error.
 */
// a separate thread, so a process that never prints what is awaited fails the test
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcachedServerMainTests {

	private Process server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.destroyForcibly();
		}
	}

	@ParameterizedTest
	@CsvSource({ "nio, NIO", "io-uring, IO_URING", "io_uring, IO_URING" })
	void servesOnTheTransportItIsGiven(String flag, Transport transport, @TempDir Path directory) throws Exception {
		assumeTrue(transport != Transport.IO_URING || IoUring.isAvailable(), "io_uring is not available here");
		// its listener's log line names the transport; the tests' logging keeps our INFO quiet
		Path logging = directory.resolve("logback.xml");
		Files.writeString(logging, """
				<configuration>
					<appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
						<encoder><pattern>%msg%n</pattern></encoder>
					</appender>
					<root level="WARN"><appender-ref ref="OUT"/></root>
					<logger name="io.github.memcachedserver.server.MemcachedServer" level="INFO"/>
				</configuration>
				""");
		int port = freePort();
		this.server = start(List.of("-Dlogback.configurationFile=" + logging), "-p", String.valueOf(port), "--transport",
				flag);
		BufferedReader output = new BufferedReader(new InputStreamReader(this.server.getInputStream(),
				StandardCharsets.UTF_8));
		String listening = output.readLine();
		while (listening != null && !listening.startsWith("Memcached server listening on")) {
			listening = output.readLine();
		}
		assertThat(listening).isEqualTo("Memcached server listening on /127.0.0.1:" + port + " (" + transport + ")");
		MemcachedClient client = TestClients.spymemcached(port);
		try {
			assertThat(client.set("standalone", 0, "value").get(5, TimeUnit.SECONDS)).isTrue();
			assertThat(client.get("standalone")).isEqualTo("value");
		}
		finally {
			TestClients.shutdown(client);
		}
	}

	@Test
	void anUnknownTransportIsAUsageError() throws Exception {
		this.server = start(List.of(), "--transport", "rdma");
		List<String> output = new ArrayList<>();
		new BufferedReader(new InputStreamReader(this.server.getInputStream(), StandardCharsets.UTF_8)).lines()
			.forEach(output::add);
		assertThat(this.server.waitFor(20, TimeUnit.SECONDS)).isTrue();
		assertThat(this.server.exitValue()).isEqualTo(64);
		assertThat(output).contains("unknown transport rdma (auto, io_uring, epoll or nio)")
			.anySatisfy((line) -> assertThat(line).startsWith("usage: MemcachedServerMain ")
				.endsWith("[--transport auto|io_uring|epoll|nio]"));
	}

	private static Process start(List<String> jvmOptions, String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemcachedServerMain.class.getName()));
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
