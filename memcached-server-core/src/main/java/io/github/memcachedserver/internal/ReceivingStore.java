package io.github.memcachedserver.internal;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.StoreResult;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A store that takes a value into its own memory while the value arrives, as memcached reads
 * a value straight into the item it allocated from the command line: the built-in store. The
 * decoders copy each read of the socket into the buffer {@link #reserve} gives, so a value is
 * copied once on its way in; a value the store has no room for arrives on the heap, as it
 * does for any other handler.
 */
public interface ReceivingStore {

	/**
	 * Reserves the memory of an item whose value is about to arrive.
	 * @param key the key
	 * @param valueLength the declared length of the value, more than 0
	 * @param flags the client flags the item will have
	 * @return an empty buffer of exactly the value's length, in the item's memory (one
	 * reference, the caller's), or {@code null} when the store cannot give memory now
	 */
	@Nullable ByteBuf reserve(Key key, int valueLength, int flags);

	/**
	 * Runs a storage command whose value arrived in a reserved buffer. The store keeps the
	 * buffer's memory as the item when it stores it; the caller releases the buffer either way.
	 * @param mode which storage command
	 * @param key the key the buffer was reserved for
	 * @param value a buffer from {@link #reserve}, filled
	 * @param exptime the expiration time as sent
	 * @param cas the CAS unique for {@code cas}, otherwise 0
	 * @return the outcome, there at once
	 */
	Mono<StoreResult> store(StorageMode mode, Key key, ByteBuf value, long exptime, long cas);

	/**
	 * Runs a meta set ({@code ms}) whose value arrived in a reserved buffer, as
	 * {@link #store} does.
	 * @param command the {@code ms} command (its own value is empty)
	 * @param value a buffer from {@link #reserve}, filled
	 * @return the outcome, there at once
	 */
	Mono<MetaResult> metaSet(MetaCommand command, ByteBuf value);

}
