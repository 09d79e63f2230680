package io.github.memcachedserver.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.memcachedserver.testing.ExternalTool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.fail;

/**
 * Differential conformance suite for the classic text protocol: every case in
 * {@code src/test/resources/differential/*.cases} is sent byte for byte to a fresh real memcached
 * (Debian's 1.6.18, {@code /usr/bin/memcached}) and to a fresh instance of our server, and the
 * answers must be identical (CAS uniques and the version string compared as patterns, {@code stats}
 * by field names and deterministic values). Cases marked {@code deviation} expect memcached
 * 1.6.45's bytes from our server instead (see DESIGN.md, "Which memcached we match").
 * <p>
 * System properties: {@code differential.reference} (memcached binary, default
 * {@code /usr/bin/memcached}); {@code differential.target} ({@code server}, the default, or the path
 * of another memcached binary to validate the cases themselves); {@code differential.ignoreDeviations}
 * ({@code true}: compare deviation cases with the reference too, for memcached-vs-memcached runs);
 * {@code differential.filter} (regex on case names); {@code differential.parallelism};
 * {@code differential.dump} ({@code true}: write the reference's normalised answers to
 * {@code target/differential-dump.txt}, to review what memcached does).
 */
class TextProtocolDifferentialTests {

	private static final String RESOURCE_DIR = "differential";

	/** How many times a failing case runs before it counts as a difference. */
	private static final int RUNS = 3;

	private static ExecutorService executor;

	private static final List<String> report = new ArrayList<>();

	private static final List<String> dump = new ArrayList<>();

	@TestFactory
	Stream<DynamicNode> classicTextProtocol() throws Exception {
		Path reference = Paths.get(System.getProperty("differential.reference", "/usr/bin/memcached"));
		if (!Files.isExecutable(reference)) {
			String message = "memcached reference binary not found at " + reference
					+ " (install Debian's memcached package, or set -Ddifferential.reference=PATH)";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				fail(message + "; CI=true, so this is an error");
			}
			Assumptions.assumeTrue(false, message + "; skipping the differential suite");
		}
		String targetSpec = System.getProperty("differential.target", "server");
		boolean ignoreDeviations = Boolean.getBoolean("differential.ignoreDeviations");
		Pattern filter = Pattern.compile(System.getProperty("differential.filter", ".*"));
		int parallelism = Integer.getInteger("differential.parallelism",
				Math.max(4, Runtime.getRuntime().availableProcessors() * 3));
		executor = Executors.newFixedThreadPool(parallelism, (r) -> {
			Thread t = new Thread(r, "differential");
			t.setDaemon(true);
			return t;
		});

		List<DynamicNode> files = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (Path file : caseFiles()) {
			List<DifferentialCase> cases;
			try (InputStream in = Files.newInputStream(file)) {
				cases = CaseFileParser.parse(file.getFileName().toString(), in);
			}
			List<DynamicTest> tests = new ArrayList<>();
			for (DifferentialCase c : cases) {
				if (!names.add(c.name())) {
					throw new IllegalStateException("duplicate case name " + c.name() + " in " + c.file());
				}
				if (!filter.matcher(c.name()).matches() || !selects(c)) {
					continue;
				}
				if (c.login() != null && c.login().sasl() && !Files.isExecutable(Login.SASLPASSWD2)) {
					// the reference needs Cyrus SASL's sasldb tool for SASL cases
					tests.add(DynamicTest.dynamicTest(c.name(), file.toUri(),
							() -> ExternalTool.require(false, "sasl2-bin (saslpasswd2)")));
					continue;
				}
				String skip = knownDeviation(c);
				if (skip != null) {
					tests.add(DynamicTest.dynamicTest(c.name(), file.toUri(),
							() -> Assumptions.abort("a deviation of " + getClass().getSimpleName() + ": " + skip)));
					continue;
				}
				CompletableFuture<String> outcome = CompletableFuture
					.supplyAsync(() -> runCase(c, reference, targetSpec, ignoreDeviations), executor);
				tests.add(DynamicTest.dynamicTest(c.name(), file.toUri(), () -> {
					String failure = outcome.get(120, TimeUnit.SECONDS);
					if (failure != null) {
						fail(failure);
					}
				}));
			}
			files.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), tests));
		}
		return files.stream();
	}

	@AfterAll
	static void writeReport() throws IOException {
		if (executor != null) {
			executor.shutdownNow();
		}
		Path target = Paths.get("target");
		if (Files.isDirectory(target)) {
			List<String> lines;
			synchronized (report) {
				lines = new ArrayList<>(report);
			}
			Files.write(target.resolve("differential-report.txt"), lines);
			synchronized (dump) {
				if (!dump.isEmpty()) {
					Files.write(target.resolve("differential-dump.txt"), dump);
				}
			}
		}
	}

	private static List<Path> caseFiles() throws IOException, URISyntaxException {
		URL url = TextProtocolDifferentialTests.class.getClassLoader().getResource(RESOURCE_DIR);
		if (url == null || !"file".equals(url.getProtocol())) {
			throw new IllegalStateException("cannot list the case directory " + RESOURCE_DIR + ": " + url);
		}
		try (Stream<Path> list = Files.list(Paths.get(url.toURI()))) {
			return list.filter((p) -> p.getFileName().toString().endsWith(".cases")).sorted().toList();
		}
	}

	/**
	 * Starts the server under test for one case: ours with its defaults here; a subclass runs
	 * the suite against ours on another store.
	 * @param login the one user who may log in, or {@code null} for a server without logins
	 * @return the started server
	 */
	TargetServer startOurServer(Login login) {
		return OurServer.start(login, null);
	}

	/**
	 * Tells whether a case runs against the server under test: every case does here; a
	 * subclass runs the cases that tell something about its server.
	 * @param c the case
	 * @return whether to run the case
	 */
	boolean selects(DifferentialCase c) {
		return true;
	}

	/**
	 * Tells why a case is not run against the server under test, for a subclass whose store
	 * deliberately differs from memcached in what the case shows.
	 * @param c the case
	 * @return the reason, or {@code null} to run the case
	 */
	String knownDeviation(DifferentialCase c) {
		return null;
	}

	/**
	 * Runs one case, and again (up to {@value #RUNS} times in all) while it fails: both servers
	 * read time in whole seconds, on clocks that tick at different instants, so a case whose
	 * commands straddle one tick (a TTL read back one second lower) fails by chance, about once
	 * in a hundred runs where its commands take milliseconds (the Hazelcast store). A real
	 * difference fails every time.
	 * @return {@code null} on success or a readable failure report (the last run's)
	 */
	private String runCase(DifferentialCase c, Path reference, String targetSpec, boolean ignoreDeviations) {
		List<String> failures = new ArrayList<>();
		String failure = attemptCase(c, reference, targetSpec, ignoreDeviations);
		while (failure != null && failures.size() < RUNS - 1) {
			failures.add(failure);
			failure = attemptCase(c, reference, targetSpec, ignoreDeviations);
		}
		if (!failures.isEmpty()) {
			synchronized (report) {
				report.add(((failure == null) ? "passed on run " + (failures.size() + 1) : "failed " + RUNS + " times")
						+ ", first run: " + failures.get(0));
				if (failure != null) {
					report.add(failure);
				}
			}
		}
		return failure;
	}

	private String attemptCase(DifferentialCase c, Path reference, String targetSpec, boolean ignoreDeviations) {
		try {
			ScriptRunner.Exchange ref;
			try (MemcachedProcess memcached = MemcachedProcess.start(reference, c.login())) {
				ref = ScriptRunner.run(c, memcached.port(), new ScriptRunner.Quiet(ScriptRunner.QUIET_MILLIS));
			}
			if (Boolean.getBoolean("differential.dump")) {
				String entry = "=== " + c.name() + "\n" + new String(ResponseNormalizer.parse(ref.response(), false).text(),
						java.nio.charset.StandardCharsets.ISO_8859_1) + (ref.closed() ? "[closed]\n" : "[open]\n");
				synchronized (dump) {
					dump.add(entry);
				}
			}
			boolean deviation = c.isDeviation() && !ignoreDeviations;
			byte[] expected = deviation ? c.expected() : ref.response();
			boolean expectedClosed = (deviation && c.expectedClosed() != null) ? c.expectedClosed() : ref.closed();
			ScriptRunner.Until until = c.compareStats() ? new ScriptRunner.Quiet(300)
					: new ScriptRunner.Like(expected, expectedClosed);
			ScriptRunner.Exchange ours;
			try (TargetServer server = startTarget(targetSpec, c.login())) {
				ours = ScriptRunner.run(c, server.port(), until);
			}
			List<String> problems = compare(c, expected, expectedClosed, ours, ref);
			if (problems.isEmpty()) {
				return null;
			}
			return describe(c, ref, deviation, expected, expectedClosed, ours, problems);
		}
		catch (Exception ex) {
			return "case " + c.name() + " (" + c.file() + ":" + c.line() + ") could not run: " + ex;
		}
	}

	private TargetServer startTarget(String spec, Login login) {
		if (spec.equals("server")) {
			return startOurServer(login);
		}
		return MemcachedProcess.start(Paths.get(spec), login);
	}

	private static List<String> compare(DifferentialCase c, byte[] expected, boolean expectedClosed,
			ScriptRunner.Exchange ours, ScriptRunner.Exchange ref) {
		List<String> problems = new ArrayList<>();
		ResponseNormalizer.Parsed exp = ResponseNormalizer.parse(expected, c.compareStats());
		ResponseNormalizer.Parsed act = ResponseNormalizer.parse(ours.response(), c.compareStats());
		byte[] expText = exp.text();
		byte[] actText = act.text();
		if (!Arrays.equals(expText, actText)) {
			int at = Arrays.mismatch(expText, actText);
			problems.add("bytes differ at offset " + at + " (after normalisation)");
		}
		if (c.compareStats()) {
			problems.addAll(StatsComparison.compare(exp.statsBlocks(), act.statsBlocks(), c.ignoredStats()));
		}
		if (expectedClosed != ours.closed()) {
			problems.add(expectedClosed ? "expected the connection to be closed, ours kept it open"
					: "expected the connection to stay open, ours closed it");
		}
		return problems;
	}

	private static String describe(DifferentialCase c, ScriptRunner.Exchange ref, boolean deviation, byte[] expected,
			boolean expectedClosed, ScriptRunner.Exchange ours, List<String> problems) {
		StringBuilder sb = new StringBuilder();
		sb.append("case ").append(c.name()).append(" (").append(c.file()).append(':').append(c.line()).append(")\n");
		sb.append("  request (").append(c.writes().size()).append(" writes): ")
			.append(Escapes.encode(c.request(), 1500))
			.append('\n');
		sb.append("  memcached 1.6.18: ").append(Escapes.encode(ref.response())).append(state(ref.closed())).append('\n');
		if (deviation) {
			sb.append("  expected (deviation, ").append(c.deviation()).append("): ")
				.append(Escapes.encode(expected))
				.append(state(expectedClosed))
				.append('\n');
		}
		sb.append("  ours:             ").append(Escapes.encode(ours.response())).append(state(ours.closed())).append('\n');
		if (c.request().length > 0 && (c.request()[0] & 0xff) == 0x80) {
			// binary protocol: the raw bytes in hex, and the packets as the comparison sees them
			sb.append("  request hex:      ").append(Escapes.hex(truncate(c.request()), 1)).append('\n');
			sb.append("  memcached hex:    ").append(Escapes.hex(truncate(expected), 1)).append('\n');
			sb.append("  ours hex:         ").append(Escapes.hex(truncate(ours.response()), 1)).append('\n');
			sb.append("  memcached packets:\n    ")
				.append(new String(ResponseNormalizer.parse(expected, c.compareStats()).text(),
						java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", "\n    ").strip())
				.append('\n');
			sb.append("  our packets:\n    ")
				.append(new String(ResponseNormalizer.parse(ours.response(), c.compareStats()).text(),
						java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", "\n    ").strip())
				.append('\n');
		}
		for (String p : problems) {
			sb.append("  - ").append(p).append('\n');
		}
		return sb.toString();
	}

	private static byte[] truncate(byte[] bytes) {
		return (bytes.length > 2048) ? Arrays.copyOf(bytes, 2048) : bytes;
	}

	private static String state(boolean closed) {
		return closed ? "   [connection closed]" : "   [connection open]";
	}

}
