package io.github.memcachedserver.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The sample application in a JVM of its own, started as {@code java -jar} would start it (the
 * test's class path stands in for the jar), so that several instances can form a cluster and
 * one can be killed. Its output goes to {@code target/<name>.log}.
 */
final class SampleInstance implements AutoCloseable {

	private final Process process;

	private final Path log;

	private final int port;

	private SampleInstance(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/**
	 * Starts an instance listening for memcached on a free loopback port.
	 * @param name the instance's name, for its log file
	 * @param arguments more application arguments
	 * @return the starting instance
	 */
	static SampleInstance start(String name, String... arguments) throws IOException {
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				SampleMemcachedApplication.class.getName(), "--memcached.server.listen=127.0.0.1:" + port,
				"--server.port=0", "--management.server.port=0"));
		command.addAll(List.of(arguments));
		Path log = Paths.get("target", name + ".log");
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new SampleInstance(process, log, port);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	int port() {
		return this.port;
	}

	/** Waits until the instance's log has a line containing the text. */
	SampleInstance awaitLog(String text, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("instance exited; see " + this.log.toAbsolutePath());
			}
			return Files.readString(this.log, StandardCharsets.ISO_8859_1).contains(text);
		});
		return this;
	}

	/** Kills the JVM at once (SIGKILL): no shutdown hook, no goodbye to the cluster. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			kill();
		}
	}

}
