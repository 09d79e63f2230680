package io.github.memcachedserver.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of one client connection: the handler's {@link Session} plus what the
 * connection's command queue needs to know about closing.
 */
final class ClientConnection {

	/** A field of the connection rather than an object of its own: one cache miss less per command. */
	private static final VarHandle CLOSE_REQUESTED;

	static {
		try {
			CLOSE_REQUESTED = MethodHandles.lookup().findVarHandle(ClientConnection.class, "closeRequested", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final Session session;

	/** Set by a command that ends the connection, taken by the queue as the command finishes. */
	private volatile boolean closeRequested;

	private volatile long lastCommandAt;

	/** Whether the client has logged in, on a server that requires it. */
	private volatile boolean loggedIn;

	/** The challenge of a SASL exchange in progress, answered by the next SASL step. */
	private @Nullable String saslChallenge;

	private final MemcachedCommandHandler handler;

	/**
	 * Where single-key reads gather, made by the first one batched: a handler that answers at
	 * once (the built-in store) never needs it, and with a thousand connections taking turns
	 * every object of a connection's own that a read touches is one more cache miss.
	 */
	private @Nullable ReadBatch reads;

	private final OutOfMemoryExit outOfMemoryExit;

	ClientConnection(Session session, long now, MemcachedCommandHandler handler, OutOfMemoryExit outOfMemoryExit) {
		this.session = session;
		this.lastCommandAt = now;
		this.handler = handler;
		this.outOfMemoryExit = outOfMemoryExit;
	}

	/**
	 * Takes a failure of one of the connection's commands: an {@link OutOfMemoryError} ends the
	 * process (see {@link OutOfMemoryExit}), anything else is for the caller to answer.
	 */
	void failed(Throwable failure) {
		this.outOfMemoryExit.onFailure(failure);
	}

	Session session() {
		return this.session;
	}

	/**
	 * Returns where the connection's single-key reads gather into batches.
	 * @return the batch
	 */
	ReadBatch reads() {
		ReadBatch reads = this.reads;
		if (reads == null) {
			reads = new ReadBatch(this.handler, this.session);
			this.reads = reads;
		}
		return reads;
	}

	/** Sends the reads batched so far, if any. */
	void sendBatchedReads() {
		ReadBatch reads = this.reads;
		if (reads != null) {
			reads.send();
		}
	}

	/** Asks for the connection to close once the current command's answer is written. */
	void closeAfterResponse() {
		this.closeRequested = true;
	}

	/**
	 * Takes the request to close made by the command that just finished.
	 * @return whether it asked for the connection to close
	 */
	boolean takeCloseRequest() {
		return this.closeRequested && (boolean) CLOSE_REQUESTED.getAndSet(this, false);
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
