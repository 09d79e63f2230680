package io.github.memcachedserver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A program from a Debian package that some tests drive (memcached's own tools, libmemcached's
 * clients, pymemcache): such tests are skipped where the package is missing, except on CI,
 * where a missing package is a failure.
 */
public final class ExternalTool {

	private ExternalTool() {
	}

	/**
	 * Skips the calling test when a tool is missing, or fails it on CI.
	 * @param available whether the tool can run here
	 * @param packages the Debian packages that bring it
	 */
	public static void require(boolean available, String packages) {
		if (!available) {
			assertThat(System.getenv("CI")).as(packages + " is required on CI").isNotEqualTo("true");
			assumeThat(available).as(packages + " is not installed").isTrue();
		}
	}

	/**
	 * Runs a command to its end, with nothing on its standard input.
	 * @param command the program and its arguments
	 * @param timeout how long it may run; a command still running then fails the test
	 * @return its exit code and its output (standard output and error together)
	 */
	public static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getOutputStream().close();
		boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(finished).as("%s finished within %s; output:%n%s", command.get(0), timeout, output).isTrue();
		return new Result(process.exitValue(), output);
	}

	/**
	 * What a command left.
	 * @param exitCode its exit code
	 * @param output its standard output and error
	 */
	public record Result(int exitCode, String output) {
	}

}
