package io.github.memcachedserver.server;

import java.util.concurrent.TimeoutException;

import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.ConnectionAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;

/**
 * What a handler's failure answers, decided once for every protocol: a client error or a
 * server error, and its message. A {@link CommandFailedException}'s message is the handler's
 * to give; any other exception's message may carry internals (SQL, hosts), so it is logged,
 * not sent. A {@link ConnectionAbortedException} also closes the connection after the answer.
 *
 * @param clientError whether the client is at fault ({@link ClientErrorException})
 * @param message the message for the client, on one line
 */
record HandlerFailure(boolean clientError, String message) {

	private static final Logger logger = LoggerFactory.getLogger(HandlerFailure.class);

	static HandlerFailure of(Throwable failure, MemcachedCommand command, ClientConnection connection,
			HandlerTimeout timeout) {
		connection.failed(failure);
		// several reads of one command failing at once (getAll's concurrent gets) arrive together
		Throwable ex = Exceptions.unwrapMultiple(failure).get(0);
		if (ex instanceof ClientErrorException) {
			return new HandlerFailure(true, oneLine(ex.getMessage()));
		}
		if (ex instanceof ConnectionAbortedException) {
			connection.closeAfterResponse();
		}
		if (ex instanceof CommandFailedException) {
			return new HandlerFailure(false, oneLine(ex.getMessage()));
		}
		if (ex instanceof TimeoutException) {
			logger.warn("Handler did not answer {} for {} within {}", command.name(), connection.session(),
					timeout.duration());
			return new HandlerFailure(false, "handler timed out");
		}
		logger.warn("Handler failed on {} for {}", command.name(), connection.session(), ex);
		return new HandlerFailure(false, "handler failed");
	}

	private static String oneLine(String message) {
		return (message != null) ? message.replace('\r', ' ').replace('\n', ' ') : "";
	}

}
