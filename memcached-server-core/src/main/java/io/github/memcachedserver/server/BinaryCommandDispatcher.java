package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.handler.Arithmetic;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.internal.LendingStore;
import io.github.memcachedserver.internal.LentItem;
import io.github.memcachedserver.internal.StoreAccess;
import io.github.memcachedserver.internal.protocol.binary.BinaryCommandDecoder;
import io.github.memcachedserver.internal.protocol.binary.BinaryRejection;
import io.github.memcachedserver.internal.protocol.binary.BinaryRequest;
import io.github.memcachedserver.internal.protocol.binary.BinaryResponses;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.observation.MemcachedProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Carries out binary-protocol requests against the handler and answers them as memcached
 * 1.6 does: the request's opcode and opaque echoed, the item's CAS unique in the header,
 * memcached's status codes and error texts, and quiet requests answered only when they
 * fail (quiet gets: only when they hit). It counts into the same statistics as the text
 * protocol.
 */
final class BinaryCommandDispatcher {

	/** Increment and decrement create nothing on a miss when their exptime is this. */
	private static final long NO_CREATE = 0xffffffffL;

	private static final byte[] NO_BYTES = {};

	private final MemcachedCommandHandler handler;

	private final ServerStatistics statistics;

	private final StatsReport statsReport;

	private final String version;

	private final HandlerTimeout handlerTimeout;

	private final CommandObservations observations;

	private final @Nullable ConnectionAuthentication authentication;

	BinaryCommandDispatcher(MemcachedCommandHandler handler, ServerStatistics statistics, StatsReport statsReport,
			String version, Duration handlerTimeout, CommandObservations observations,
			@Nullable ConnectionAuthentication authentication) {
		this.handler = handler;
		this.authentication = authentication;
		this.statistics = statistics;
		this.statsReport = statsReport;
		this.version = version;
		this.handlerTimeout = new HandlerTimeout(handlerTimeout);
		this.observations = observations;
	}

	/**
	 * Answers a request refused while it was framed.
	 */
	Publisher<ByteBuf> reject(BinaryRejection rejection, ClientConnection connection, ByteBufAllocator allocator) {
		if (!rejection.malformedHeader() && unauthenticated(Opcodes.plain(rejection.opcode()), connection)) {
			return refuseUnauthenticated(rejection.opcode(), rejection.opaque(), connection, allocator);
		}
		if (rejection.closeConnection()) {
			connection.closeAfterResponse();
		}
		if (rejection.storageKey() != null) {
			this.statistics.prefixes.recordSet(rejection.storageKey());
		}
		if (rejection.status() == Opcodes.STATUS_TOO_LARGE) {
			this.statistics.storeTooLarge.increment();
		}
		else if (rejection.status() == Opcodes.STATUS_OUT_OF_MEMORY) {
			this.statistics.storeNoMemory.increment();
		}
		// memcached drops the old item when a set fails, so stale data cannot persist
		Mono<Boolean> unlink = (rejection.staleKey() != null)
				? this.handlerTimeout.guard(this.handler.delete(connection.session(), rejection.staleKey())) : Mono.empty();
		this.observations.record(MemcachedProtocol.BINARY, rejection.name(), connection.session(), "error");
		return unlink.onErrorResume((ex) -> Mono.empty())
			.then(Mono.fromSupplier(() -> BinaryResponses.error(allocator, rejection.opcode(), rejection.opaque(),
					rejection.status())));
	}

	/**
	 * Carries out a request.
	 * @param received the value of a storage request that arrived in the store's memory (the
	 * request's own is empty), or {@code null}; used only while this method runs
	 * @return the answer, empty when a quiet request succeeded
	 */
	Publisher<ByteBuf> dispatch(BinaryRequest request, @Nullable ByteBuf received, ClientConnection connection,
			ByteBufAllocator allocator) {
		if (unauthenticated(request.command(), connection)) {
			return refuseUnauthenticated(request.opcode(), request.opaque(), connection, allocator);
		}
		CommandOutcome report = new CommandOutcome(
				this.observations.start(MemcachedProtocol.BINARY, request.name(), connection.session()));
		report.result = "ok";
		Mono<ByteBuf> answer;
		try {
			answer = execute(request, received, connection, allocator, report);
		}
		catch (RuntimeException ex) {
			answer = Mono.error(ex);
		}
		if (answer instanceof Callable<?> ready) {
			return answerNow(ready, request, connection, allocator, report);
		}
		answer = answer.onErrorResume((ex) -> Mono.just(report.failed(ex, failure(ex, request, connection, allocator))))
			.doOnSuccess(report::finished)
			.doOnCancel(report::cancelled);
		return CommandObservations.parentOf(answer, report.observation());
	}

	/**
	 * Finishes a request whose answer is already there (the built-in store's) without an
	 * operator chain.
	 */
	private Publisher<ByteBuf> answerNow(Callable<?> ready, BinaryRequest request, ClientConnection connection,
			ByteBufAllocator allocator, CommandOutcome report) {
		ByteBuf answer;
		try {
			answer = (ByteBuf) ready.call();
		}
		catch (Exception ex) {
			answer = report.failed(ex, failure(ex, request, connection, allocator));
		}
		return Mono.justOrEmpty(report.finished(answer));
	}

	private boolean unauthenticated(int command, ClientConnection connection) {
		return this.authentication != null && !connection.isLoggedIn()
				&& !ConnectionAuthentication.allowedBeforeAuthentication(command);
	}

	/** memcached answers an unauthenticated request "Auth failure." and hangs up. */
	private Mono<ByteBuf> refuseUnauthenticated(int opcode, int opaque, ClientConnection connection,
			ByteBufAllocator allocator) {
		connection.closeAfterResponse();
		this.observations.record(MemcachedProtocol.BINARY, Opcodes.name(Opcodes.plain(opcode)), connection.session(),
				"unauthenticated");
		return Mono.fromSupplier(() -> BinaryResponses.error(allocator, opcode, opaque, Opcodes.STATUS_AUTH_ERROR));
	}

	private Mono<ByteBuf> execute(BinaryRequest request, @Nullable ByteBuf received, ClientConnection connection,
			ByteBufAllocator allocator, CommandOutcome report) {
		Session session = connection.session();
		Key key = request.key();
		byte[] extras = request.extras();
		// keyless requests (version, noop, flush, stat) have no store to route to
		LendingStore store = (key != null) ? StoreAccess.lending(this.handler, key) : null;
		return switch (request.command()) {
			case Opcodes.GET, Opcodes.GETK -> (store != null) ? lent(request, store.lend(key), allocator, report, false)
					: this.handlerTimeout.answer(connection.reads().get(key, report.observation()),
							(item) -> hit(request, LentItem.of(item), allocator, report, false),
							() -> miss(request, allocator, report, false));
			case Opcodes.TOUCH, Opcodes.GAT, Opcodes.GATK -> {
				long exptime = BinaryCommandDecoder.readInt(extras, 0) & 0xffffffffL;
				if (store != null) {
					yield lent(request, store.lendTouched(key, exptime), allocator, report, true);
				}
				// a touch answers with the item's flags and CAS as it was found, even when the new
				// exptime has already passed, as memcached does: no read after the touch
				Mono<Item> touched = this.handlerTimeout.guard(this.handler.getAndTouch(session, key, exptime));
				yield touched
					.map((item) -> hit(request, LentItem.of(item), allocator, report, true))
					.switchIfEmpty(Mono.fromSupplier(() -> miss(request, allocator, report, true)));
			}
			case Opcodes.SET, Opcodes.ADD, Opcodes.REPLACE -> store(request, received, session, allocator, report);
			case Opcodes.APPEND, Opcodes.PREPEND -> concatenate(request, received, session, allocator, report);
			case Opcodes.DELETE -> delete(request, session, allocator, report);
			case Opcodes.INCREMENT, Opcodes.DECREMENT -> arithmetic(request, session, allocator, report);
			case Opcodes.FLUSH -> {
				this.statistics.cmdFlush.increment();
				long delay = (extras.length == 4) ? BinaryCommandDecoder.readInt(extras, 0) & 0xffffffffL : 0;
				yield this.handlerTimeout.guard(this.handler.flushAll(session, delay))
					.then(Mono.fromSupplier(() -> quietOrSuccess(request, allocator, 0)));
			}
			// decoded only when authentication is on
			case Opcodes.SASL_LIST_MECHS, Opcodes.SASL_AUTH, Opcodes.SASL_STEP ->
				this.authentication.sasl(request, connection, allocator);
			case Opcodes.NOOP -> Mono.fromSupplier(() -> BinaryResponses.success(allocator, request, 0));
			case Opcodes.VERSION -> Mono.fromSupplier(() -> {
				byte[] body = this.version.getBytes(StandardCharsets.US_ASCII);
				return BinaryResponses.start(allocator, request, Opcodes.STATUS_OK, 0, 0, body.length, 0).writeBytes(body);
			});
			case Opcodes.QUIT -> {
				connection.closeAfterResponse();
				yield Mono.fromSupplier(() -> quietOrSuccess(request, allocator, 0));
			}
			case Opcodes.STAT -> Mono.fromSupplier(() -> stats(request, allocator, report));
			default -> Mono.fromSupplier(() -> BinaryResponses.error(allocator, request.opcode(), request.opaque(),
					Opcodes.STATUS_UNKNOWN_COMMAND));
		};
	}

	/** Answers a read of the built-in store, whose value it lends: the answer sends it without a copy. */
	private Mono<ByteBuf> lent(BinaryRequest request, @Nullable LentItem item, ByteBufAllocator allocator,
			CommandOutcome report, boolean touch) {
		return Mono.justOrEmpty((item != null) ? hit(request, item, allocator, report, touch)
				: miss(request, allocator, report, touch));
	}

	/** Answers a read that hit; the answer takes over the item's value. */
	private ByteBuf hit(BinaryRequest request, LentItem item, ByteBufAllocator allocator, CommandOutcome report,
			boolean touch) {
		count(request, touch, true);
		report.result = "hit";
		boolean withKey = request.command() == Opcodes.GETK || request.command() == Opcodes.GATK;
		byte[] key = withKey ? request.key().unsafeBytes() : NO_BYTES;
		if (request.command() == Opcodes.TOUCH) {
			// a touch answers with the item's flags and CAS, not its value
			item.value().release();
			item = new LentItem(Unpooled.EMPTY_BUFFER, item.flags(), item.cas());
		}
		return BinaryResponses.value(allocator, request, item, key);
	}

	private ByteBuf miss(BinaryRequest request, ByteBufAllocator allocator, CommandOutcome report, boolean touch) {
		count(request, touch, false);
		report.result = "miss";
		if (request.quiet()) {
			return null;
		}
		if (request.command() == Opcodes.GETK || request.command() == Opcodes.GATK) {
			// memcached answers a keyed miss with the key and no text
			byte[] key = request.key().unsafeBytes();
			return BinaryResponses.start(allocator, request, Opcodes.STATUS_KEY_NOT_FOUND, 0, key.length, 0, 0)
				.writeBytes(key);
		}
		return BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_KEY_NOT_FOUND);
	}

	/** Counts a read or touch of the request's key; memcached counts either as a get of its prefix. */
	private void count(BinaryRequest request, boolean touch, boolean hit) {
		if (touch) {
			this.statistics.countTouch(hit);
		}
		else {
			this.statistics.countGet(hit);
		}
		this.statistics.prefixes.recordGet(request.key(), hit);
	}

	private Mono<ByteBuf> store(BinaryRequest request, @Nullable ByteBuf received, Session session,
			ByteBufAllocator allocator, CommandOutcome report) {
		this.statistics.cmdSet.increment();
		Key key = request.key();
		this.statistics.prefixes.recordSet(key);
		byte[] extras = request.extras();
		Entry entry = new Entry(request.value(), BinaryCommandDecoder.readInt(extras, 0),
				BinaryCommandDecoder.readInt(extras, 4) & 0xffffffffL);
		Mono<StoreResult> stored;
		if (received != null) {
			StorageMode mode = (request.cas() != 0) ? StorageMode.CAS : switch (request.command()) {
				case Opcodes.ADD -> StorageMode.ADD;
				case Opcodes.REPLACE -> StorageMode.REPLACE;
				default -> StorageMode.SET;
			};
			stored = StoreAccess.receivedBy(this.handler, key).store(mode, key, received, entry.exptime(), request.cas());
			if (mode == StorageMode.CAS) {
				stored = stored.doOnNext(this.statistics::countCas);
			}
		}
		else if (request.cas() != 0) {
			// a CAS unique in the header makes any storage request a cas
			stored = this.handlerTimeout.guard(this.handler.cas(session, key, entry, request.cas())).doOnNext(this.statistics::countCas);
		}
		else {
			stored = this.handlerTimeout.guard(switch (request.command()) {
				case Opcodes.ADD -> this.handler.add(session, key, entry);
				case Opcodes.REPLACE -> this.handler.replace(session, key, entry);
				default -> this.handler.set(session, key, entry);
			});
		}
		if (stored instanceof Callable<?> ready) {
			StoreResult outcome;
			try {
				outcome = (StoreResult) ready.call();
			}
			catch (Exception ex) {
				return Mono.error(ex);
			}
			return storeAnswer(request, session, (outcome != null) ? outcome : StoreResult.NOT_STORED, allocator, report);
		}
		return stored.defaultIfEmpty(StoreResult.NOT_STORED)
			.flatMap((outcome) -> storeAnswer(request, session, outcome, allocator, report));
	}

	private Mono<ByteBuf> concatenate(BinaryRequest request, @Nullable ByteBuf received, Session session,
			ByteBufAllocator allocator, CommandOutcome report) {
		this.statistics.cmdSet.increment();
		Key key = request.key();
		this.statistics.prefixes.recordSet(key);
		// a value in the store's memory is stored now, while it is there (the decoder sends no CAS with it)
		Mono<StoreResult> concatenated = (received != null) ? StoreAccess.receivedBy(this.handler, key).store(
				(request.command() == Opcodes.APPEND) ? StorageMode.APPEND : StorageMode.PREPEND, key, received, 0, 0)
				: Mono.defer(() -> (request.command() == Opcodes.APPEND)
				? this.handlerTimeout.guard(this.handler.append(session, key, request.value()))
				: this.handlerTimeout.guard(this.handler.prepend(session, key, request.value())));
		return casChecked(request, session, concatenated.defaultIfEmpty(StoreResult.NOT_STORED),
				Mono.just(StoreResult.EXISTS), Mono.just(StoreResult.NOT_STORED))
			.flatMap((outcome) -> storeAnswer(request, session, outcome, allocator, report));
	}

	/**
	 * Runs an operation only when the request's CAS unique (if any) matches the item's: the
	 * handler contract has no conditional form of it, so the check reads first.
	 */
	private <T> Mono<T> casChecked(BinaryRequest request, Session session, Mono<T> operation, Mono<T> onMismatch,
			Mono<T> onMissing) {
		if (request.cas() == 0) {
			return operation;
		}
		return this.handlerTimeout.guard(this.handler.get(session, request.key()))
			.map((item) -> (item.cas() == request.cas()) ? operation : onMismatch)
			.defaultIfEmpty(onMissing)
			.flatMap((next) -> next);
	}

	private Mono<ByteBuf> storeAnswer(BinaryRequest request, Session session, StoreResult outcome,
			ByteBufAllocator allocator, CommandOutcome report) {
		report.result = outcome.metricName();
		if (outcome.isStored()) {
			if (request.quiet()) {
				return Mono.empty();
			}
			if (outcome.cas() != 0) {
				return Mono.just(BinaryResponses.success(allocator, request, outcome.cas()));
			}
			// the answer carries the new CAS unique, which this handler's write did not tell
			return this.handlerTimeout.answer(this.handler.get(session, request.key()),
					(item) -> BinaryResponses.success(allocator, request, item.cas()),
					() -> BinaryResponses.success(allocator, request, 0));
		}
		int status = switch (outcome.status()) {
			case EXISTS -> Opcodes.STATUS_KEY_EXISTS;
			case NOT_FOUND -> Opcodes.STATUS_KEY_NOT_FOUND;
			default -> switch (request.command()) {
				// memcached reports a failed add as "exists" and a failed replace as "not found"
				case Opcodes.ADD -> Opcodes.STATUS_KEY_EXISTS;
				case Opcodes.REPLACE -> Opcodes.STATUS_KEY_NOT_FOUND;
				default -> Opcodes.STATUS_NOT_STORED;
			};
		};
		return Mono.just(BinaryResponses.error(allocator, request.opcode(), request.opaque(), status));
	}

	private Mono<ByteBuf> delete(BinaryRequest request, Session session, ByteBufAllocator allocator, CommandOutcome report) {
		Key key = request.key();
		this.statistics.prefixes.recordDelete(key);
		Mono<Boolean> deleted = Mono.defer(() -> this.handlerTimeout.guard(this.handler.delete(session, key))).defaultIfEmpty(false);
		Mono<Boolean> found = casChecked(request, session, deleted, Mono.fromSupplier(() -> {
			report.result = "exists";
			return false;
		}), Mono.just(false));
		return found.mapNotNull((wasDeleted) -> {
			if ("exists".equals(report.result)) {
				return BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_KEY_EXISTS);
			}
			this.statistics.countDelete(wasDeleted);
			report.result = wasDeleted ? "deleted" : "not_found";
			return wasDeleted ? quietOrSuccess(request, allocator, 0)
					: BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_KEY_NOT_FOUND);
		});
	}

	private Mono<ByteBuf> arithmetic(BinaryRequest request, Session session, ByteBufAllocator allocator,
			CommandOutcome report) {
		Key key = request.key();
		byte[] extras = request.extras();
		long delta = BinaryCommandDecoder.readLong(extras, 0);
		long initial = BinaryCommandDecoder.readLong(extras, 8);
		long exptime = BinaryCommandDecoder.readInt(extras, 16) & 0xffffffffL;
		boolean increment = request.command() == Opcodes.INCREMENT;
		Mono<Optional<Long>> applied = Mono.defer(() -> this.handlerTimeout.guard(increment
				? this.handler.increment(session, key, delta) : this.handler.decrement(session, key, delta)))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty());
		Mono<Optional<Long>> checked = (request.cas() == 0) ? applied
				: this.handlerTimeout.guard(this.handler.get(session, key)).flatMap((item) -> {
					if (item.cas() == request.cas()) {
						return applied;
					}
					Arithmetic.checkNotEmpty(item.value());
					report.result = "exists";
					return Mono.just(Optional.<Long>empty());
				}).switchIfEmpty(applied);
		return checked.flatMap((value) -> {
			if ("exists".equals(report.result)) {
				return Mono.just(
						BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_KEY_EXISTS));
			}
			if (value.isPresent()) {
				this.statistics.countArithmetic(increment, true);
				report.result = "hit";
				return number(request, session, value.get(), 0, allocator);
			}
			if (exptime == NO_CREATE) {
				this.statistics.countArithmetic(increment, false);
				report.result = "not_found";
				return Mono.just(
						BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_KEY_NOT_FOUND));
			}
			// memcached creates the counter from its initial value, and does not count a miss
			byte[] digits = Long.toUnsignedString(initial).getBytes(StandardCharsets.US_ASCII);
			return this.handlerTimeout.guard(this.handler.add(session, key, new Entry(digits, 0, exptime))).flatMap((stored) -> {
				report.result = stored.metricName();
				return stored.isStored() ? number(request, session, initial, stored.cas(), allocator)
						: Mono.just(BinaryResponses.error(allocator, request.opcode(), request.opaque(),
								Opcodes.STATUS_NOT_STORED));
			});
		});
	}

	/**
	 * Answers an incr/decr with its value and the item's CAS unique: the one the write told
	 * (a created counter), else read back, as the arithmetic contract does not carry it.
	 */
	private Mono<ByteBuf> number(BinaryRequest request, Session session, long value, long knownCas,
			ByteBufAllocator allocator) {
		if (request.quiet()) {
			return Mono.empty();
		}
		Mono<Long> itemCas = (knownCas != 0) ? Mono.just(knownCas)
				: this.handlerTimeout.guard(this.handler.get(session, request.key())).map(Item::cas);
		return itemCas.defaultIfEmpty(0L)
			.map((cas) -> BinaryResponses.start(allocator, request, Opcodes.STATUS_OK, 0, 0, 8, cas).writeLong(value));
	}

	private ByteBuf stats(BinaryRequest request, ByteBufAllocator allocator, CommandOutcome report) {
		String key = (request.key() != null) ? new String(request.key().unsafeBytes(), StandardCharsets.ISO_8859_1) : "";
		ByteBuf out = allocator.buffer();
		if (!stats(key, (name, value) -> BinaryResponses.stat(out, request, name, String.valueOf(value)))) {
			out.release();
			report.result = "error";
			return BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_KEY_NOT_FOUND);
		}
		BinaryResponses.stat(out, request, "", "");
		return out;
	}

	/**
	 * Carries out a Stat request's key as memcached does: it tells {@code reset},
	 * {@code settings} and {@code detail} by their first letters only (strncmp), so
	 * {@code resetting} resets; a dump of the per-prefix statistics is the value of one stat,
	 * {@code detailed}.
	 * @return whether the key names something memcached answers
	 */
	private boolean stats(String key, BiConsumer<String, Object> out) {
		KeyPrefixStatistics prefixes = this.statistics.prefixes;
		if (key.startsWith("reset")) {
			this.statsReport.reset();
		}
		else if (key.startsWith("settings")) {
			this.statsReport.collect("settings", out, null);
		}
		else if (key.startsWith("detail dump")) {
			out.accept("detailed", prefixes.dump());
		}
		else if (key.startsWith("detail on") || key.startsWith("detail off")) {
			prefixes.setEnabled(key.startsWith("detail on"));
		}
		else {
			// memcached's binary protocol has no "conns"
			return !key.equals("conns") && this.statsReport.collect(key, out, null);
		}
		return true;
	}

	private ByteBuf quietOrSuccess(BinaryRequest request, ByteBufAllocator allocator, long cas) {
		return request.quiet() ? null : BinaryResponses.success(allocator, request, cas);
	}

	private ByteBuf failure(Throwable ex, BinaryRequest request, ClientConnection connection,
			ByteBufAllocator allocator) {
		HandlerFailure failure = HandlerFailure.of(ex, request, connection, this.handlerTimeout);
		if (failure.clientError()) {
			return BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_NON_NUMERIC);
		}
		return BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_INTERNAL_ERROR,
				failure.message());
	}

}
