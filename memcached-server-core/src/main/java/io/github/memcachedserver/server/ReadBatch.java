package io.github.memcachedserver.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Gathers the single-key reads a connection starts together (the gets of one socket read, or
 * those a finished write lets start at once) into one {@link MemcachedCommandHandler#getAll}
 * call, so a pipeline of gets, text or binary, costs a database one query. A read the handler
 * answers at once (the built-in store's) never waits here, and a lone read is made as it is.
 * When a batch fails, each of its reads is made again by itself.
 * <p>
 * Used on the connection's event loop only: reads join while the {@link CommandQueue} starts
 * commands, and the queue sends the batch when it has started all it can.
 */
final class ReadBatch {

	private final MemcachedCommandHandler handler;

	private final Session session;

	/**
	 * The reads gathered since the last batch went out, or {@code null} for none: the built-in
	 * store answers at once and never gathers, so a read then touches no list of its own.
	 */
	private @Nullable List<PendingRead> pending;

	ReadBatch(MemcachedCommandHandler handler, Session session) {
		this.handler = handler;
		this.session = session;
	}

	/**
	 * Reads a key, in the next batch unless the handler's answer is there at once.
	 * @param key the key
	 * @param command the observation of the command that reads it: the parent of what the
	 * handler observes (for a batch of several commands, the first one's)
	 * @return the item, or empty on a miss
	 */
	Mono<Item> get(Key key, Observation command) {
		Mono<Item> single = this.handler.get(this.session, key);
		if (single instanceof Callable) {
			return single;
		}
		// a handler's Mono does nothing until subscribed: this one is kept for a batch of one
		Sinks.One<Item> answer = Sinks.one();
		if (this.pending == null) {
			this.pending = new ArrayList<>();
		}
		this.pending.add(new PendingRead(key, CommandObservations.parentOf(single, command), answer, command));
		return answer.asMono();
	}

	/** Sends the reads gathered so far: one of them as it is, several as one {@code getAll}. */
	void send() {
		List<PendingRead> batch = this.pending;
		if (batch == null) {
			return;
		}
		this.pending = null;
		if (batch.size() == 1) {
			batch.get(0).readAlone();
			return;
		}
		Set<Key> keys = new LinkedHashSet<>();
		batch.forEach((read) -> keys.add(read.key()));
		Mono<Map<Key, Item>> items = CommandObservations.parentOf(this.handler.getAll(this.session, keys),
				batch.get(0).command());
		items.defaultIfEmpty(Map.of()).subscribe((found) -> {
			for (PendingRead read : batch) {
				Item item = found.get(read.key());
				if (item != null) {
					read.found(item);
				}
				else {
					read.missed();
				}
			}
		}, (ex) -> batch.forEach(PendingRead::readAlone));
	}

	private record PendingRead(Key key, Mono<Item> single, Sinks.One<Item> answer, Observation command) {

		/**
		 * Makes the read by itself: alone in its batch, or after a batch failed, so that one
		 * key's failure answers only the command that asked for it.
		 */
		void readAlone() {
			this.single.subscribe(this::found, this::failed, this::missed);
		}

		void found(Item item) {
			this.answer.tryEmitValue(item);
		}

		void missed() {
			this.answer.tryEmitEmpty();
		}

		void failed(Throwable ex) {
			this.answer.tryEmitError(ex);
		}

	}

}
