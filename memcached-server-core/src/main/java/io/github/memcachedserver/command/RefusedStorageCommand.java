package io.github.memcachedserver.command;

import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.handler.Key;

/**
 * A storage command refused before its value was stored, its data block swallowed: the item
 * would be larger than the item size limit, the server has no room for values still
 * arriving, or the data block did not end as it should. As in memcached, a {@code set}
 * refused for its size or for memory drops the key's old item, so stale data cannot outlive
 * a write the client was told failed.
 *
 * @param mode the storage command
 * @param key the key
 * @param noreply whether the request asked for no answer
 * @param refusal why it was refused
 * @param meta whether it is a meta {@code ms} (its mode is then {@code SET})
 * @since 0.1.0
 */
public record RefusedStorageCommand(StorageMode mode, Key key, boolean noreply, Refusal refusal, boolean meta)
		implements MemcachedCommand {

	@Override
	public String name() {
		return this.meta ? "ms" : this.mode.protocolName();
	}

	/**
	 * Why a storage command was refused, with memcached's answer to it.
	 */
	public enum Refusal {

		/** The item would be larger than the item size limit. */
		TOO_LARGE("SERVER_ERROR object too large for cache"),

		/** The budget for values still arriving is spent. */
		OUT_OF_MEMORY("SERVER_ERROR out of memory storing object"),

		/** The data block was not followed by {@code \r\n}; the old item stays. */
		BAD_DATA_CHUNK("CLIENT_ERROR bad data chunk");

		private final String answer;

		Refusal(String answer) {
			this.answer = answer;
		}

		/**
		 * Returns memcached's answer.
		 * @return the error line, without its line end
		 */
		public String answer() {
			return this.answer;
		}

	}

}
