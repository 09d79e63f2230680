package io.github.memcachedserver.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real memcached started for one case: {@code memcached -U 0 -l 127.0.0.1 -p <free port>}
 * (plus {@code -u root} when the tests run as root, which memcached otherwise refuses).
 */
final class MemcachedProcess implements TargetServer {

	private static final AtomicInteger nextPort = new AtomicInteger(ThreadLocalRandom.current().nextInt(12000));

	private final Process process;

	private final int port;

	private MemcachedProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	static MemcachedProcess start(Path binary) {
		return start(binary, null);
	}

	/**
	 * Starts memcached.
	 * @param login the one user who may log in, or {@code null} for no login
	 */
	static MemcachedProcess start(Path binary, Login login) {
		IOException last = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			int port = freePort();
			List<String> command = new ArrayList<>(List.of(binary.toString(), "-U", "0", "-l", "127.0.0.1", "-p",
					Integer.toString(port)));
			Map<String, String> environment = new HashMap<>();
			if (login != null) {
				login.configure(command, environment);
			}
			if ("root".equals(System.getProperty("user.name"))) {
				command.add("-u");
				command.add("root");
			}
			Process process;
			try {
				ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD);
				builder.environment().putAll(environment);
				process = builder.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot start " + command, ex);
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (System.nanoTime() < deadline && process.isAlive()) {
				try {
					if (ownsPort(process, port, login)) {
						return new MemcachedProcess(process, port);
					}
					// another process answers on that port: try the next one
					break;
				}
				catch (IOException ex) {
					last = ex;
					sleep(5);
				}
			}
			process.destroyForcibly();
		}
		throw new IllegalStateException("memcached did not start: " + binary, last);
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public void close() {
		// the state is thrown away: SIGKILL, since memcached's own SIGTERM shutdown sometimes takes a second
		this.process.destroyForcibly();
		try {
			this.process.waitFor(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Asks whoever listens on the port for its pid: under parallel runs a port found free can be
	 * taken by another process before memcached binds it.
	 */
	private static boolean ownsPort(Process process, int port, Login login) throws IOException {
		try (Socket probe = new Socket()) {
			probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
			probe.setSoTimeout(2000);
			if (login != null && login.sasl()) {
				return Long.toString(process.pid()).equals(login.binaryPid(probe));
			}
			String textLogin = (login != null) ? login.textLogin() : "";
			probe.getOutputStream().write((textLogin + "stats\r\n").getBytes(StandardCharsets.US_ASCII));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
			String line;
			while ((line = reader.readLine()) != null && !line.equals("END")) {
				if (line.startsWith("STAT pid ")) {
					return line.substring("STAT pid ".length()).trim().equals(Long.toString(process.pid()));
				}
			}
			return false;
		}
	}

	/**
	 * Ports below Linux's ephemeral range (32768+), where servers bound to port 0 (ours) never land,
	 * from a random start so that concurrent builds rarely meet; a port in use is skipped.
	 */
	private static int freePort() {
		for (int i = 0; i < 100; i++) {
			int port = 20000 + Math.floorMod(nextPort.getAndIncrement(), 12000);
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress("127.0.0.1", port), 1);
				return port;
			}
			catch (IOException ex) {
				// in use, try the next
			}
		}
		throw new IllegalStateException("no free port found");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
