package io.github.memcachedserver.command;

import java.util.Locale;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Key;

/**
 * {@code set}, {@code add}, {@code replace}, {@code append}, {@code prepend} and {@code cas}.
 *
 * @param mode which storage command
 * @param key the key
 * @param entry the value, flags and expiration time
 * @param cas the CAS unique for {@code cas}, otherwise 0
 * @param noreply whether the client asked for no answer
 * @since 0.1.0
 */
public record StorageCommand(StorageMode mode, Key key, Entry entry, long cas, boolean noreply) implements MemcachedCommand {

	@Override
	public String name() {
		return this.mode.protocolName();
	}

	/**
	 * The storage commands.
	 */
	public enum StorageMode {

		/** Store unconditionally. */
		SET,
		/** Store when absent. */
		ADD,
		/** Store when present. */
		REPLACE,
		/** Add after the existing value. */
		APPEND,
		/** Add before the existing value. */
		PREPEND,
		/** Store when unchanged since read. */
		CAS;

		private final String protocolName = name().toLowerCase(Locale.ROOT);

		/**
		 * Returns the command's name on the wire.
		 * @return e.g. {@code set}
		 */
		public String protocolName() {
			return this.protocolName;
		}

	}

}
