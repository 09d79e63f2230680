package io.github.memcachedserver.autoconfigure;

import io.github.memcachedserver.server.MemcachedServerException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a memcached server that could not start (most often an address in use) in
 * Spring Boot's startup failure report.
 *
 * @since 0.1.0
 */
public class MemcachedServerFailureAnalyzer extends AbstractFailureAnalyzer<MemcachedServerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MemcachedServerException cause) {
		return new FailureAnalysis("The memcached server could not start: " + cause.getMessage(),
				"Make sure no other process listens on that address (for example another memcached), "
						+ "or change memcached.server.listen.",
				cause);
	}

}
