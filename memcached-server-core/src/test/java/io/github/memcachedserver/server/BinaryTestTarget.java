package io.github.memcachedserver.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.auth.MemcachedAuthenticator;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;

/**
 * The server the binary-protocol client tests talk to: our server with the built-in store on an
 * {@link AdjustableClock}, or, with {@code -Dbinaryclients.memcached=/usr/bin/memcached}, a real
 * memcached (to check the tests themselves; tests that move the clock are then skipped).
 */
final class BinaryTestTarget implements AutoCloseable {

	private final MemcachedServer server;

	private final Process process;

	private final int port;

	final AdjustableClock clock;

	private BinaryTestTarget(MemcachedServer server, Process process, int port, AdjustableClock clock) {
		this.server = server;
		this.process = process;
		this.port = port;
		this.clock = clock;
	}

	static BinaryTestTarget start() {
		String memcached = System.getProperty("binaryclients.memcached");
		if (memcached != null && !memcached.isEmpty()) {
			return startMemcached(memcached);
		}
		return start(null);
	}

	/** Our server, requiring authentication when an authenticator is given. */
	static BinaryTestTarget start(MemcachedAuthenticator authenticator) {
		AdjustableClock clock = AdjustableClock.startingNow();
		ConcurrentMapMemcachedStore store = ConcurrentMapMemcachedStore.builder().clock(clock).build();
		MemcachedServer server = MemcachedServer.builder()
			.handler(store)
			.authenticator(authenticator)
			.listen(ListenAddress.parse("127.0.0.1:0"))
			.build();
		server.start();
		return new BinaryTestTarget(server, null, server.port(), clock);
	}

	private static BinaryTestTarget startMemcached(String binary) {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> command = new ArrayList<>(List.of(binary, "-U", "0", "-l", "127.0.0.1", "-p", Integer.toString(port)));
		if ("root".equals(System.getProperty("user.name"))) {
			command.addAll(List.of("-u", "root"));
		}
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (System.nanoTime() < deadline) {
				try (Socket probe = new Socket()) {
					probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
					return new BinaryTestTarget(null, process, port, null);
				}
				catch (IOException ex) {
					Thread.sleep(10);
				}
			}
			process.destroyForcibly();
			throw new IllegalStateException("memcached did not start");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	int port() {
		return this.port;
	}

	/** Whether the clock can be moved (our server); tests that need it are skipped otherwise. */
	boolean hasClock() {
		return this.clock != null;
	}

	@Override
	public void close() {
		if (this.server != null) {
			this.server.stop();
		}
		if (this.process != null) {
			this.process.destroyForcibly();
		}
	}

}
