package io.github.memcachedserver.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A throwaway PostgreSQL (Debian's {@code postgresql} package) in a temporary directory, on a
 * free loopback port, trusting local connections. PostgreSQL refuses to run as root, so as root
 * its programs run as the package's {@code postgres} user.
 */
final class PostgresServer implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final Path bin;

	private final Path data;

	private final int port;

	private PostgresServer(Path bin, Path data, int port) {
		this.bin = bin;
		this.data = data;
		this.port = port;
	}

	/** Starts a new database server, or skips the calling test where PostgreSQL is not installed (fails on CI). */
	static PostgresServer start(Path directory) throws IOException, InterruptedException {
		Optional<Path> bin = installedBin();
		if (bin.isEmpty()) {
			// as the core tests treat the Debian packages they drive: skipped locally, required on CI
			assertThat(System.getenv("CI")).as("postgresql is required on CI").isNotEqualTo("true");
			assumeThat(bin).as("postgresql is not installed").isPresent();
		}
		Path data = directory.resolve("data");
		Files.createDirectories(data);
		if (isRoot()) {
			run(List.of("chown", "-R", "postgres:postgres", directory.toString()));
		}
		int port = SampleInstance.freePort();
		PostgresServer server = new PostgresServer(bin.get(), data, port);
		server.runAsOwner("initdb", "-D", data.toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
		server.runAsOwner("pg_ctl", "-D", data.toString(), "-w", "-l", directory.resolve("postgres.log").toString(),
				"-o", "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1", "start");
		return server;
	}

	/** The R2DBC URL of the {@code postgres} database. */
	String r2dbcUrl() {
		return "r2dbc:postgresql://postgres@127.0.0.1:" + this.port + "/postgres";
	}

	@Override
	public void close() throws IOException, InterruptedException {
		runAsOwner("pg_ctl", "-D", this.data.toString(), "-m", "immediate", "-w", "stop");
	}

	private void runAsOwner(String program, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		if (isRoot()) {
			command.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		command.add(this.bin.resolve(program).toString());
		command.addAll(List.of(arguments));
		run(command);
	}

	private static void run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IOException(String.join(" ", command) + " failed:\n" + output);
		}
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	/** The newest installed PostgreSQL's programs, e.g. /usr/lib/postgresql/15/bin. */
	private static Optional<Path> installedBin() throws IOException {
		Path versions = Paths.get("/usr/lib/postgresql");
		if (!Files.isDirectory(versions)) {
			return Optional.empty();
		}
		try (Stream<Path> list = Files.list(versions)) {
			return list.map((version) -> version.resolve("bin"))
				.filter((bin) -> Files.isExecutable(bin.resolve("initdb")))
				.max(Comparator.comparing((bin) -> bin.getParent().getFileName().toString(), Comparator
					.comparingInt(String::length)
					.thenComparing(Comparator.naturalOrder())));
		}
	}

}
