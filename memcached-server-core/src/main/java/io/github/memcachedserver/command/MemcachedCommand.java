package io.github.memcachedserver.command;

/**
 * One decoded client request, in the order it arrived on its connection. The text and meta
 * protocols decode into the records of this package; the binary protocol into its own.
 *
 * @since 0.1.0
 */
public interface MemcachedCommand {

	/**
	 * Tells whether the client asked for no answer ({@code noreply}).
	 * @return whether the response is suppressed
	 */
	default boolean noreply() {
		return false;
	}

	/**
	 * Returns the command's protocol name, e.g. {@code get} or {@code mg}, as metrics tag it.
	 * @return the name
	 */
	String name();

}
