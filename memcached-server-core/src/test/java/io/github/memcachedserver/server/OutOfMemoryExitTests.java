package io.github.memcachedserver.server;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Which failures end the process: an {@link OutOfMemoryError} however it arrives (the process
 * halting itself is tested in its own JVM by {@code OutOfMemoryIntegrationTests}).
 */
class OutOfMemoryExitTests {

	@Test
	void anOutOfMemoryErrorIsFoundAsTheFailureAsItsCauseAndInAComposite() {
		OutOfMemoryError error = new OutOfMemoryError("Java heap space");
		assertThat(OutOfMemoryExit.isOutOfMemory(error)).isTrue();
		assertThat(OutOfMemoryExit.isOutOfMemory(new IllegalStateException("wrapped", error))).isTrue();
		assertThat(OutOfMemoryExit.isOutOfMemory(Exceptions.multiple(new IllegalStateException(), error))).isTrue();
	}

	@Test
	void otherFailuresAreNot() {
		assertThat(OutOfMemoryExit.isOutOfMemory(new UncheckedIOException(new IOException("reset")))).isFalse();
		assertThat(OutOfMemoryExit.isOutOfMemory(new StackOverflowError())).isFalse();
	}

	@Test
	void aCauseChainThatLoopsEnds() {
		IllegalStateException first = new IllegalStateException();
		IllegalStateException second = new IllegalStateException(first);
		first.initCause(second);
		assertThat(OutOfMemoryExit.isOutOfMemory(first)).isFalse();
	}

	@Test
	void aDisabledExitLetsTheFailureBeAnswered() {
		assertThatCode(() -> OutOfMemoryExit.DISABLED.onFailure(new OutOfMemoryError("simulated")))
			.doesNotThrowAnyException();
	}

}
