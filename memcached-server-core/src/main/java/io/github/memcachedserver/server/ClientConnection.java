package io.github.memcachedserver.server;

import io.github.memcachedserver.handler.Session;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The server's side of one client connection: the handler's {@link Session} plus what the
 * pipeline needs to know about closing.
 */
final class ClientConnection {

	private final Session session;

	private final ReplyBatch replies = new ReplyBatch();

	private volatile boolean closeAfterResponse;

	private volatile long lastCommandAt;

	private @Nullable OutboundBacklogGuard backlog;

	/** Whether the client has logged in, on a server that requires it. */
	private volatile boolean loggedIn;

	/** The challenge of a SASL exchange in progress, answered by the next SASL step. */
	private @Nullable String saslChallenge;

	ClientConnection(Session session, long now) {
		this.session = session;
		this.lastCommandAt = now;
	}

	Session session() {
		return this.session;
	}

	/**
	 * Returns the answers gathered for the commands of the current read.
	 * @return the batch
	 */
	ReplyBatch replies() {
		return this.replies;
	}

	void guardedBy(OutboundBacklogGuard backlog) {
		this.backlog = backlog;
	}

	/**
	 * Returns a signal that completes once the client has taken enough of its queued answers
	 * for more to be written (at once when it has).
	 * @return the signal
	 */
	Mono<Void> whenWritable() {
		Mono<Void> writable = (this.backlog != null) ? this.backlog.awaitWritable() : null;
		return (writable != null) ? writable : Mono.empty();
	}

	/** Marks that the connection closes once the current response is written. */
	void closeAfterResponse() {
		this.closeAfterResponse = true;
	}

	boolean isClosing() {
		return this.closeAfterResponse;
	}

	void commandReceived(long now) {
		this.lastCommandAt = now;
	}

	long lastCommandAt() {
		return this.lastCommandAt;
	}

	@Nullable String takeSaslChallenge() {
		String challenge = this.saslChallenge;
		this.saslChallenge = null;
		return challenge;
	}

	void saslChallenge(String challenge) {
		this.saslChallenge = challenge;
	}

	boolean isLoggedIn() {
		return this.loggedIn;
	}

	void loggedIn() {
		this.loggedIn = true;
	}

}
