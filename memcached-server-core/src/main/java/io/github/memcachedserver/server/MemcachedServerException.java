package io.github.memcachedserver.server;

/**
 * Thrown when the server cannot do what it was asked, such as binding an address.
 *
 * @since 0.1.0
 */
public class MemcachedServerException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message what went wrong
	 */
	public MemcachedServerException(String message) {
		super(message);
	}

	/**
	 * Creates an exception.
	 * @param message what went wrong
	 * @param cause the cause
	 */
	public MemcachedServerException(String message, Throwable cause) {
		super(message, cause);
	}

}
