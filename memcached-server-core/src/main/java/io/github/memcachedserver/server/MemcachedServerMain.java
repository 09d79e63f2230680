package io.github.memcachedserver.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;

/**
 * Runs a standalone server with the built-in store, taking a subset of memcached's own
 * command-line flags: {@code -p <port>}, {@code -l <addr>[,<addr>...]} (also {@code [::1]}
 * and {@code unix:/path}), {@code -m <megabytes>}, {@code -I <bytes>}, {@code -c <conns>},
 * {@code -t <threads>}, {@code -Y <authfile>}, {@code -D <char>} (per-prefix statistics on, with
 * this delimiter); and one of its own, {@code --transport auto|io_uring|epoll|nio}.
 *
 * @since 0.1.0
 */
public final class MemcachedServerMain {

	private MemcachedServerMain() {
	}

	/**
	 * Starts the server and runs until the process is stopped.
	 * @param args memcached-style flags
	 * @throws InterruptedException when interrupted while serving
	 */
	public static void main(String[] args) throws InterruptedException {
		int port = ListenAddress.DEFAULT_PORT;
		String hosts = "127.0.0.1";
		long megabytes = 64;
		int maxItemSize = ConcurrentMapMemcachedStore.DEFAULT_MAX_ITEM_SIZE;
		MemcachedServerBuilder builder = MemcachedServer.builder();
		for (int i = 0; i < args.length; i++) {
			String flag = args[i];
			String value = (i + 1 < args.length) ? args[++i] : usage("missing value for " + flag);
			switch (flag) {
				case "-p" -> port = Integer.parseInt(value);
				case "-l" -> hosts = value;
				case "-m" -> megabytes = Long.parseLong(value);
				case "-I" -> maxItemSize = Integer.parseInt(value);
				case "-c" -> builder.maxConnections(Integer.parseInt(value));
				case "-t" -> builder.threads(Integer.parseInt(value));
				case "-Y" -> builder.authenticator(authFile(value));
				case "-D" -> builder.statsDetail(delimiter(value));
				case "--transport" -> builder.transport(transport(value));
				default -> usage("unknown flag " + flag);
			}
		}
		for (String host : hosts.split(",")) {
			builder.listen(host.startsWith("unix:") || host.contains("]:") || host.matches("[^:]+:\\d+")
					? ListenAddress.parse(host) : ListenAddress.tcp(host.replace("[", "").replace("]", ""), port));
		}
		builder.handler(ConcurrentMapMemcachedStore.builder()
			.memoryLimit(megabytes * 1024 * 1024)
			.maxItemSize(maxItemSize)
			.build()).maxItemSize(maxItemSize);
		MemcachedServer server = builder.build().start();
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.stop(Duration.ofSeconds(10));
			stopped.countDown();
		}, "memcached-shutdown"));
		stopped.await();
	}

	// io-uring as in the Spring Boot property, or io_uring
	private static Transport transport(String value) {
		try {
			return Transport.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			return usage("unknown transport " + value + " (auto, io_uring, epoll or nio)");
		}
	}

	/** memcached takes the first character of {@code -D}'s value. */
	private static char delimiter(String value) {
		if (value.isEmpty()) {
			usage("no delimiter given to -D");
		}
		return value.charAt(0);
	}

	private static InMemoryAuthenticator authFile(String path) {
		try {
			return InMemoryAuthenticator.fromAuthFile(Path.of(path));
		}
		catch (IOException | IllegalArgumentException ex) {
			usage("cannot read auth file " + path + ": " + ex.getMessage());
			return null;
		}
	}

	private static <T> T usage(String problem) {
		System.err.println(problem);
		System.err.println("usage: MemcachedServerMain [-p port] [-l addr[,addr]] [-m megabytes] [-I item-size-bytes] "
				+ "[-c max-connections] [-t threads] [-Y authfile] [-D prefix-delimiter] "
				+ "[--transport auto|io_uring|epoll|nio]");
		System.exit(64);
		throw new IllegalStateException("exited");
	}

}
