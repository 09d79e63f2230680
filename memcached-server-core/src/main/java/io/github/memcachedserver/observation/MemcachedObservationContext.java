package io.github.memcachedserver.observation;

import io.github.memcachedserver.handler.Session;
import io.micrometer.observation.Observation;

/**
 * What an observation of one command knows: its protocol, name and connection when it
 * starts, its outcome when it stops.
 *
 * @since 0.1.0
 */
public class MemcachedObservationContext extends Observation.Context {

	/** The outcome of a command whose observation stopped before its answer was complete. */
	public static final String CANCELLED = "cancelled";

	private final MemcachedProtocol protocol;

	private final String command;

	private final Session session;

	private String outcome = CANCELLED;

	/**
	 * Creates the context of one command.
	 * @param protocol the protocol it arrived in
	 * @param command its protocol name, e.g. {@code get}, {@code mg}
	 * @param session the connection it arrived on
	 */
	public MemcachedObservationContext(MemcachedProtocol protocol, String command, Session session) {
		this.protocol = protocol;
		this.command = command;
		this.session = session;
	}

	/**
	 * Returns the protocol the command arrived in.
	 * @return the protocol
	 */
	public MemcachedProtocol getProtocol() {
		return this.protocol;
	}

	/**
	 * Returns the command's protocol name.
	 * @return e.g. {@code get}, {@code set}, {@code mg}
	 */
	public String getCommand() {
		return this.command;
	}

	/**
	 * Returns the connection the command arrived on.
	 * @return the session
	 */
	public Session getSession() {
		return this.session;
	}

	/**
	 * Returns what became of the command, in lower case: {@code hit}, {@code miss},
	 * {@code partial_hit} (a multi-key read that found some keys), {@code stored},
	 * {@code not_stored}, {@code exists}, {@code not_found}, {@code deleted}, {@code touched},
	 * {@code ok}, {@code error}, {@code unauthenticated}, or {@link #CANCELLED} while the
	 * command has not finished.
	 * @return the outcome
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets what became of the command.
	 * @param outcome the outcome
	 */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
