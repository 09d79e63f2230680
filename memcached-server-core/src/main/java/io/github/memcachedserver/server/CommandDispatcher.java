package io.github.memcachedserver.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.github.memcachedserver.command.ArithmeticCommand;
import io.github.memcachedserver.command.CacheDumpCommand;
import io.github.memcachedserver.command.DeleteCommand;
import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.FlushAllCommand;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.command.RefusedStorageCommand;
import io.github.memcachedserver.command.RefusedStorageCommand.Refusal;
import io.github.memcachedserver.command.RetrievalCommand;
import io.github.memcachedserver.command.StatsCommand;
import io.github.memcachedserver.command.StorageCommand;
import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.command.TouchCommand;
import io.github.memcachedserver.command.VerbosityCommand;
import io.github.memcachedserver.command.VersionCommand;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.MetaResult;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.internal.LendingStore;
import io.github.memcachedserver.internal.LentItem;
import io.github.memcachedserver.internal.LentMetaResult;
import io.github.memcachedserver.internal.StoreAccess;
import io.github.memcachedserver.internal.protocol.text.MetaResponses;
import io.github.memcachedserver.internal.protocol.text.TextResponses;
import io.github.memcachedserver.observation.MemcachedProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Carries out one decoded command against the handler and turns the outcome into
 * memcached's answer, counting it for {@code stats}. Handler failures become
 * {@code SERVER_ERROR} or {@code CLIENT_ERROR} answers for that command alone.
 */
final class CommandDispatcher {

	private final MemcachedCommandHandler handler;

	private final ServerStatistics statistics;

	private final StatsReport statsReport;

	private final HandlerTimeout handlerTimeout;

	private final CommandObservations observations;

	private final @Nullable ConnectionAuthentication authentication;

	CommandDispatcher(MemcachedCommandHandler handler, ServerStatistics statistics, StatsReport statsReport,
			Duration handlerTimeout, CommandObservations observations,
			@Nullable ConnectionAuthentication authentication) {
		this.handler = handler;
		this.authentication = authentication;
		this.observations = observations;
		this.statistics = statistics;
		this.statsReport = statsReport;
		this.handlerTimeout = new HandlerTimeout(handlerTimeout);
	}

	/**
	 * Runs a command for a connection.
	 * @param command the command
	 * @param received the value of a storage command that arrived in the store's memory
	 * (the command's own is empty), or {@code null}; used only while this method runs
	 * @param connection the connection's state
	 * @param allocator the allocator for the answer
	 * @return the answer, or empty when there is none ({@code noreply}, {@code quit})
	 */
	Publisher<ByteBuf> dispatch(MemcachedCommand command, @Nullable ByteBuf received, ClientConnection connection,
			ByteBufAllocator allocator) {
		if (this.authentication != null && !connection.isLoggedIn()) {
			return this.authentication.text(command, received, connection, allocator)
				.onErrorResume((ex) -> Mono.just(failure(ex, command, connection, allocator)));
		}
		boolean meta = command instanceof MetaCommand
				|| (command instanceof RefusedStorageCommand refused && refused.meta());
		CommandOutcome outcome = new CommandOutcome(this.observations.start(
				meta ? MemcachedProtocol.META : MemcachedProtocol.TEXT, command.name(), connection.session()));
		if (command instanceof RetrievalCommand retrieval && retrieval.keys().size() > 1) {
			Flux<ByteBuf> answer = multiRetrieve(retrieval, connection, allocator, outcome)
				.onErrorResume((ex) -> Mono.fromSupplier(
						() -> outcome.finished(outcome.failed(ex, failure(ex, command, connection, allocator)))))
				.doOnCancel(outcome::cancelled);
			if (retrieval.noreply()) {
				answer = answer.doOnNext(ByteBuf::release).thenMany(Flux.empty());
			}
			return CommandObservations.parentOf(answer, outcome.observation());
		}
		Mono<ByteBuf> response;
		try {
			response = execute(command, received, connection, allocator, outcome);
		}
		catch (RuntimeException ex) {
			response = Mono.error(ex);
		}
		if (response instanceof Callable<?> ready) {
			return finishNow(ready, command, connection, allocator, outcome);
		}
		response = response
			.onErrorResume((ex) -> Mono.just(outcome.failed(ex, failure(ex, command, connection, allocator))))
			.doOnSuccess(outcome::finished)
			.doOnCancel(outcome::cancelled);
		if (command.noreply()) {
			response = response.doOnNext(ByteBuf::release).then(Mono.empty());
		}
		return CommandObservations.parentOf(response, outcome.observation());
	}

	/**
	 * Finishes a command whose answer is already there (the built-in store answers with
	 * {@code Mono.just}) without an operator chain.
	 */
	private Publisher<ByteBuf> finishNow(Callable<?> ready, MemcachedCommand command, ClientConnection connection,
			ByteBufAllocator allocator, CommandOutcome outcome) {
		ByteBuf answer;
		try {
			answer = (ByteBuf) ready.call();
		}
		catch (Exception ex) {
			answer = outcome.failed(ex, failure(ex, command, connection, allocator));
		}
		outcome.finished(answer);
		if (answer == null || command.noreply()) {
			if (answer != null) {
				answer.release();
			}
			return Mono.empty();
		}
		return Mono.just(answer);
	}

	private Mono<ByteBuf> execute(MemcachedCommand command, @Nullable ByteBuf received, ClientConnection connection,
			ByteBufAllocator allocator, CommandOutcome outcome) {
		Session session = connection.session();
		if (command instanceof RetrievalCommand retrieval) {
			return retrieve(retrieval, connection, allocator, outcome);
		}
		if (command instanceof StorageCommand storage) {
			return store(storage, received, session, outcome);
		}
		if (command instanceof DeleteCommand delete) {
			this.statistics.prefixes.recordDelete(delete.key());
			return this.handlerTimeout.answer(this.handler.delete(session, delete.key()),
					(deleted) -> deleted(deleted, outcome), () -> deleted(false, outcome));
		}
		if (command instanceof ArithmeticCommand arithmetic) {
			return arithmetic(arithmetic, session, allocator, outcome);
		}
		if (command instanceof TouchCommand touch) {
			return this.handlerTimeout.answer(this.handler.touch(session, touch.key(), touch.exptime()),
					(touched) -> touched(touched, outcome), () -> touched(false, outcome));
		}
		if (command instanceof FlushAllCommand flush) {
			this.statistics.cmdFlush.increment();
			return this.handlerTimeout.guard(this.handler.flushAll(session, flush.delaySeconds()))
				.then(Mono.fromSupplier(() -> outcome.set("ok", TextResponses.ok())));
		}
		if (command instanceof RefusedStorageCommand refused) {
			return refused(refused, session, allocator, outcome);
		}
		if (command instanceof StatsCommand stats) {
			return Mono.fromSupplier(() -> outcome.set("ok", this.statsReport.render(stats, allocator, connection)));
		}
		if (command instanceof CacheDumpCommand dump) {
			return Mono.fromSupplier(() -> outcome.set("ok", this.statsReport.cacheDump(dump, allocator)));
		}
		if (command instanceof VersionCommand) {
			return Mono.fromSupplier(() -> outcome.set("ok", this.statsReport.version(allocator)));
		}
		if (command instanceof VerbosityCommand) {
			return Mono.fromSupplier(() -> outcome.set("ok", TextResponses.ok()));
		}
		if (command instanceof MetaCommand meta) {
			return meta(meta, received, connection, allocator, outcome);
		}
		if (command instanceof ErrorReply error) {
			outcome.result = "error";
			return error.line().isEmpty() ? Mono.empty()
					: Mono.fromSupplier(() -> TextResponses.line(allocator, error.line()));
		}
		// quit
		outcome.result = "ok";
		return Mono.empty();
	}

	private Mono<ByteBuf> refused(RefusedStorageCommand refused, Session session, ByteBufAllocator allocator,
			CommandOutcome outcome) {
		if (!refused.meta()) {
			// memcached counts a classic storage command once its line is read, whatever follows
			this.statistics.prefixes.recordSet(refused.key());
		}
		switch (refused.refusal()) {
			case TOO_LARGE -> this.statistics.storeTooLarge.increment();
			case OUT_OF_MEMORY -> this.statistics.storeNoMemory.increment();
			// memcached counts a set once its data is read, ended well or not
			case BAD_DATA_CHUNK -> this.statistics.cmdSet.increment();
		}
		// memcached drops the old item when a set finds no room, so stale data cannot persist;
		// a bad data chunk leaves it
		Mono<Boolean> unlink = (refused.mode() == StorageMode.SET && refused.refusal() != Refusal.BAD_DATA_CHUNK)
				? this.handlerTimeout.guard(this.handler.delete(session, refused.key())) : Mono.empty();
		return unlink.then(Mono.fromSupplier(
				() -> outcome.set("error", TextResponses.line(allocator, refused.refusal().answer()))));
	}

	private ByteBuf deleted(boolean deleted, CommandOutcome outcome) {
		this.statistics.countDelete(deleted);
		return outcome.set(deleted ? "deleted" : "not_found", deleted ? TextResponses.deleted() : TextResponses.notFound());
	}

	private ByteBuf touched(boolean touched, CommandOutcome outcome) {
		this.statistics.countTouch(touched);
		return outcome.set(touched ? "touched" : "not_found", touched ? TextResponses.touched() : TextResponses.notFound());
	}

	private Mono<ByteBuf> retrieve(RetrievalCommand command, ClientConnection connection, ByteBufAllocator allocator,
			CommandOutcome outcome) {
		Session session = connection.session();
		Key key = command.keys().get(0);
		LendingStore store = StoreAccess.lending(this.handler, key);
		if (store != null) {
			// the built-in store lends the value's memory: the answer sends it without a copy;
			// it answers at once, so the answer is made here, without a supplier to call later
			LentItem hit = lend(store, command, key);
			outcome.hits += (hit != null) ? 1 : 0;
			outcome.misses += (hit != null) ? 0 : 1;
			countRetrieval(command, key, hit != null);
			return Mono.just((hit != null) ? TextResponses.value(allocator, key, hit, command.withCas()) : TextResponses.end());
		}
		Mono<Item> item = command.touch() ? this.handler.getAndTouch(session, key, command.exptime())
				: connection.reads().get(key, outcome.observation());
		return this.handlerTimeout.answer(item, (hit) -> {
			outcome.hits++;
			countRetrieval(command, key, true);
			return TextResponses.value(allocator, key, hit, command.withCas());
		}, () -> {
			outcome.misses++;
			countRetrieval(command, key, false);
			return TextResponses.end();
		});
	}

	/**
	 * Answers a multi-key retrieval: every key is read first, in one handler call for a
	 * {@code get} ({@link MemcachedCommandHandler#getAll}), concurrently for a {@code gat} (an
	 * error answers the whole command, as in memcached); then each hit is written in its own
	 * buffer, made only when the command queue asks for it (when the connection can take
	 * more), so that a line repeating a large key stays within the outbound limit.
	 */
	private Flux<ByteBuf> multiRetrieve(RetrievalCommand command, ClientConnection connection,
			ByteBufAllocator allocator, CommandOutcome outcome) {
		List<Key> keys = command.keys();
		Session session = connection.session();
		Set<Key> distinct = new LinkedHashSet<>(keys);
		LendingStore store = StoreAccess.lending(this.handler, distinct);
		if (store != null) {
			return lendAll(store, command, distinct, allocator, outcome);
		}
		Mono<Map<Key, Item>> items = command.touch() ? Flux.fromIterable(distinct)
			.flatMap((key) -> this.handler.getAndTouch(session, key, command.exptime()).map((item) -> Map.entry(key, item)),
					distinct.size())
			.collectMap(Map.Entry::getKey, Map.Entry::getValue) : this.handler.getAll(session, distinct);
		return this.handlerTimeout.guard(items).defaultIfEmpty(Map.of()).flatMapMany((found) -> {
			for (Key key : keys) {
				boolean hit = found.containsKey(key);
				outcome.hits += hit ? 1 : 0;
				outcome.misses += hit ? 0 : 1;
				countRetrieval(command, key, hit);
			}
			return Flux.fromIterable(keys)
				.filter(found::containsKey)
				.map((key) -> TextResponses.valueBlock(allocator, key, found.get(key), command.withCas()))
				.concatWith(Mono.fromSupplier(() -> outcome.finished(TextResponses.end())));
		});
	}

	/**
	 * A multi-key {@code get} or {@code gat} from the built-in store: every key is read at
	 * once, its value lent; each block is made when the queue asks for it, and the values not
	 * written (the connection closed meanwhile) are given back.
	 */
	private Flux<ByteBuf> lendAll(LendingStore store, RetrievalCommand command, Set<Key> distinct,
			ByteBufAllocator allocator, CommandOutcome outcome) {
		return Flux.using(() -> {
			Map<Key, LentItem> found = new HashMap<>();
			for (Key key : distinct) {
				LentItem item = lend(store, command, key);
				if (item != null) {
					found.put(key, item);
				}
			}
			return found;
		}, (found) -> {
			for (Key key : command.keys()) {
				boolean hit = found.containsKey(key);
				outcome.hits += hit ? 1 : 0;
				outcome.misses += hit ? 0 : 1;
				countRetrieval(command, key, hit);
			}
			// a key asked twice is sent twice: each block takes a reference of its own
			return Flux.fromIterable(command.keys()).filter(found::containsKey).map((key) -> {
				LentItem item = found.get(key);
				LentItem block = new LentItem(item.value().retainedDuplicate(), item.flags(), item.cas());
				return TextResponses.valueBlock(allocator, key, block, command.withCas());
			}).concatWith(Mono.fromSupplier(() -> outcome.finished(TextResponses.end())));
		}, (found) -> found.values().forEach((item) -> item.value().release()));
	}

	private static @Nullable LentItem lend(LendingStore store, RetrievalCommand command, Key key) {
		return command.touch() ? store.lendTouched(key, command.exptime()) : store.lend(key);
	}

	/** Counts a classic retrieval of one key, which memcached also counts for the key's prefix. */
	private void countRetrieval(RetrievalCommand command, Key key, boolean hit) {
		countRead(command.touch(), hit);
		this.statistics.prefixes.recordGet(key, hit);
	}

	private void countRead(boolean touch, boolean hit) {
		if (touch) {
			this.statistics.countTouch(hit);
		}
		else {
			this.statistics.countGet(hit);
		}
	}

	private Mono<ByteBuf> store(StorageCommand command, @Nullable ByteBuf received, Session session,
			CommandOutcome outcome) {
		this.statistics.cmdSet.increment();
		this.statistics.prefixes.recordSet(command.key());
		Mono<StoreResult> result = (received != null)
				? StoreAccess.receivedBy(this.handler, command.key())
					.store(command.mode(), command.key(), received, command.entry().exptime(), command.cas())
				: switch (command.mode()) {
			case SET -> this.handler.set(session, command.key(), command.entry());
			case ADD -> this.handler.add(session, command.key(), command.entry());
			case REPLACE -> this.handler.replace(session, command.key(), command.entry());
			case APPEND -> this.handler.append(session, command.key(), command.entry().value());
			case PREPEND -> this.handler.prepend(session, command.key(), command.entry().value());
			case CAS -> this.handler.cas(session, command.key(), command.entry(), command.cas());
		};
		return this.handlerTimeout.answer(result, (stored) -> {
			if (command.mode() == StorageMode.CAS) {
				this.statistics.countCas(stored);
			}
			return outcome.set(stored.metricName(), TextResponses.storeResult(stored));
		}, () -> outcome.set(StoreResult.NOT_STORED.metricName(), TextResponses.storeResult(StoreResult.NOT_STORED)));
	}

	private Mono<ByteBuf> arithmetic(ArithmeticCommand command, Session session, ByteBufAllocator allocator,
			CommandOutcome outcome) {
		Mono<Long> result = command.increment() ? this.handler.increment(session, command.key(), command.delta())
				: this.handler.decrement(session, command.key(), command.delta());
		return this.handlerTimeout.answer(result, (value) -> {
			this.statistics.countArithmetic(command.increment(), true);
			return outcome.set("hit", TextResponses.number(allocator, value));
		}, () -> {
			this.statistics.countArithmetic(command.increment(), false);
			return outcome.set("not_found", TextResponses.notFound());
		});
	}

	private Mono<ByteBuf> meta(MetaCommand command, @Nullable ByteBuf received, ClientConnection connection,
			ByteBufAllocator allocator, CommandOutcome outcome) {
		if (command.code() == 'n') {
			return Mono.fromSupplier(() -> outcome.set("ok", MetaResponses.noop()));
		}
		LendingStore store = (command.code() == 'g') ? StoreAccess.lending(this.handler, command.key()) : null;
		if (store != null) {
			// answered at once, as a text read of the built-in store is
			LentMetaResult found = store.lendMeta(command);
			outcome.result = countMeta(command, found.result());
			return Mono.justOrEmpty(MetaResponses.encode(allocator, command, found));
		}
		Mono<MetaResult> handlerAnswer = (received != null)
				? StoreAccess.receivedBy(this.handler, command.key()).metaSet(command, received)
				: this.handler.meta(connection.session(), command);
		if (handlerAnswer instanceof Callable<?> ready) {
			return metaNow(ready, command, allocator, outcome);
		}
		return this.handlerTimeout.answer(handlerAnswer, (result) -> {
			outcome.result = countMeta(command, result);
			return MetaResponses.encode(allocator, command, result);
		}, () -> null);
	}

	/** Answers a meta command whose result is already there, without an operator chain. */
	private Mono<ByteBuf> metaNow(Callable<?> ready, MetaCommand command, ByteBufAllocator allocator,
			CommandOutcome outcome) {
		MetaResult result;
		try {
			result = (MetaResult) ready.call();
		}
		catch (Exception ex) {
			return Mono.error(ex);
		}
		if (result == null) {
			return Mono.empty();
		}
		outcome.result = countMeta(command, result);
		return Mono.justOrEmpty(MetaResponses.encode(allocator, command, result));
	}

	/**
	 * Counts a meta command in the classic counters its classic twin feeds, where memcached
	 * 1.6.18 counts it: an {@code mg} hit refused for its opaque not at all, and a miss as a
	 * get even with {@code T}; an {@code ms} comparing a CAS unique in set or replace mode as a
	 * {@code cas}; an {@code md I} that marks its item stale not as a delete; an {@code ma}
	 * only when it changed a number or found none to create.
	 */
	private String countMeta(MetaCommand command, MetaResult result) {
		ServerStatistics stats = this.statistics;
		MetaFlags flags = command.flags();
		boolean hit = result.status() == MetaResult.Status.HIT;
		switch (command.code()) {
			case 'g' -> {
				if (!(hit && flags.opaqueTooLong())) {
					countRead(hit && flags.ttl() != null, hit);
				}
				return hit ? "hit" : "miss";
			}
			case 's' -> {
				stats.cmdSet.increment();
				if (flags.compareCas() != null && (flags.mode() == 0 || flags.mode() == 'S' || flags.mode() == 'R')) {
					stats.countCas(result.status());
				}
				return switch (result.status()) {
					case HIT -> "stored";
					case EXISTS -> "exists";
					case NOT_FOUND -> "not_found";
					default -> "not_stored";
				};
			}
			case 'd' -> {
				if (!(hit && flags.invalidate())) {
					stats.countDelete(hit);
				}
				return hit ? "deleted" : (result.status() == MetaResult.Status.EXISTS) ? "exists" : "not_found";
			}
			case 'a' -> {
				if (hit || result.status() == MetaResult.Status.NOT_FOUND) {
					stats.countArithmetic(flags.mode() != 'D' && flags.mode() != '-', hit);
				}
				return switch (result.status()) {
					case HIT -> "hit";
					case CREATED -> "stored";
					case EXISTS -> "exists";
					default -> "not_found";
				};
			}
			default -> {
				return hit ? "hit" : "miss";
			}
		}
	}

	private ByteBuf failure(Throwable ex, MemcachedCommand command, ClientConnection connection,
			ByteBufAllocator allocator) {
		HandlerFailure failure = HandlerFailure.of(ex, command, connection, this.handlerTimeout);
		return TextResponses.line(allocator, (failure.clientError() ? "CLIENT_ERROR " : "SERVER_ERROR ") + failure.message());
	}

}
