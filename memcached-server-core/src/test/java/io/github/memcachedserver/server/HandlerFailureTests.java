package io.github.memcachedserver.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.memcachedserver.command.VersionCommand;
import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.ConnectionAbortedException;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;

import static org.assertj.core.api.Assertions.assertThat;

class HandlerFailureTests {

	private final ClientConnection connection = new ClientConnection(
			new Session(1, new InetSocketAddress(0), new InetSocketAddress(0)), 0, new ConcurrentMapMemcachedStore(),
			OutOfMemoryExit.DISABLED);

	private final HandlerTimeout timeout = new HandlerTimeout(Duration.ofSeconds(1));

	@Test
	void aHandlersOwnFailureKeepsItsMessageOnOneLine() {
		assertThat(failure(new CommandFailedException("backend\r\nunavailable")))
			.isEqualTo(new HandlerFailure(false, "backend  unavailable"));
		assertThat(failure(new ClientErrorException("bad value"))).isEqualTo(new HandlerFailure(true, "bad value"));
	}

	@Test
	void anUnexpectedFailureTellsTheClientNothingOfIt() {
		assertThat(failure(new IllegalStateException("jdbc:postgresql://db.internal/secret")))
			.isEqualTo(new HandlerFailure(false, "handler failed"));
		assertThat(failure(new TimeoutException())).isEqualTo(new HandlerFailure(false, "handler timed out"));
	}

	@Test
	void severalReadsFailingAtOnceAnswerAsTheFirst() {
		Throwable both = Exceptions.multiple(new CommandFailedException("backend unavailable"),
				new CommandFailedException("backend unavailable"));
		assertThat(failure(both)).isEqualTo(new HandlerFailure(false, "backend unavailable"));
	}

	@Test
	void anAbortClosesTheConnectionAfterTheAnswer() {
		assertThat(failure(new ConnectionAbortedException("go away"))).isEqualTo(new HandlerFailure(false, "go away"));
		assertThat(this.connection.takeCloseRequest()).isTrue();
	}

	private HandlerFailure failure(Throwable ex) {
		return HandlerFailure.of(ex, new VersionCommand(), this.connection, this.timeout);
	}

}
