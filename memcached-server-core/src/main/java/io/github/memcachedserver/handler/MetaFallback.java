package io.github.memcachedserver.handler;

import java.nio.charset.StandardCharsets;

import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.handler.MetaResult.Status;
import reactor.core.publisher.Mono;

/**
 * Serves meta commands from the basic handler contract, for handlers that do not implement
 * them natively. What needs item metadata the contract does not carry degrades, as
 * documented in README: TTLs read as unlimited ({@code t-1}), access times as 0, recache
 * leases ({@code N} on {@code mg}, {@code R}) never win, invalidation ({@code md I}) deletes,
 * and {@code E} is ignored.
 */
final class MetaFallback {

	private MetaFallback() {
	}

	static Mono<MetaResult> execute(MemcachedCommandHandler handler, Session session, MetaCommand command) {
		return switch (command.code()) {
			case 'g' -> get(handler, session, command);
			case 's' -> set(handler, session, command);
			case 'd' -> delete(handler, session, command);
			case 'a' -> arithmetic(handler, session, command);
			default -> handler.get(session, command.key()).map(MetaFallback::debug)
				.defaultIfEmpty(MetaResult.of(Status.MISS));
		};
	}

	private static MetaResult debug(Item item) {
		return new MetaResult(Status.HIT, null, item.flags(), item.cas(), -1, 0, false, false, false, false,
				item.value().length, false);
	}

	private static Mono<MetaResult> get(MemcachedCommandHandler handler, Session session, MetaCommand command) {
		Long ttl = command.flags().ttl();
		Mono<Item> item = (ttl != null) ? handler.getAndTouch(session, command.key(), ttl)
				: handler.get(session, command.key());
		return item.map(MetaResult::hit).defaultIfEmpty(MetaResult.of(Status.MISS));
	}

	private static Mono<MetaResult> set(MemcachedCommandHandler handler, Session session, MetaCommand command) {
		MetaFlags flags = command.flags();
		Key key = command.key();
		Entry entry = new Entry(command.value(), (int) flags.clientFlags(), (flags.ttl() != null) ? flags.ttl() : 0);
		char mode = (flags.mode() == 0) ? 'S' : flags.mode();
		Long compareCas = flags.compareCas();
		Mono<StoreResult> result;
		if (compareCas != null && (mode == 'S' || mode == 'R')) {
			result = handler.cas(session, key, entry, compareCas);
		}
		else {
			result = switch (mode) {
				case 'E' -> handler.add(session, key, entry);
				case 'R' -> handler.replace(session, key, entry);
				case 'A' -> casChecked(handler, session, key, compareCas, handler.append(session, key, entry.value()));
				case 'P' -> casChecked(handler, session, key, compareCas, handler.prepend(session, key, entry.value()));
				default -> handler.set(session, key, entry);
			};
		}
		boolean wholeValue = mode != 'A' && mode != 'P';
		return result.defaultIfEmpty(StoreResult.NOT_STORED).flatMap((stored) -> {
			if (!stored.isStored()) {
				return Mono.just(MetaResult.of(toStatus(stored)));
			}
			if (wholeValue && stored.cas() != 0) {
				// the write said what it wrote: the client's flags need no read-back
				return Mono.just(MetaResult.hit(new Item(entry.value(), entry.flags(), stored.cas())));
			}
			// the stored item's CAS unique and size, when the client asks for them
			return handler.get(session, key).map(MetaResult::hit).defaultIfEmpty(MetaResult.of(Status.HIT));
		});
	}

	private static Mono<StoreResult> casChecked(MemcachedCommandHandler handler, Session session, Key key,
			Long compareCas, Mono<StoreResult> operation) {
		if (compareCas == null) {
			return operation;
		}
		return handler.get(session, key)
			.flatMap((item) -> (item.cas() == compareCas) ? operation : Mono.just(StoreResult.EXISTS))
			.defaultIfEmpty(StoreResult.NOT_STORED);
	}

	private static Mono<MetaResult> delete(MemcachedCommandHandler handler, Session session, MetaCommand command) {
		MetaFlags flags = command.flags();
		Key key = command.key();
		return handler.get(session, key).flatMap((item) -> {
			if (flags.compareCas() != null && item.cas() != flags.compareCas()) {
				return Mono.just(MetaResult.of(Status.EXISTS));
			}
			if (flags.removeValue() && !flags.invalidate()) {
				return handler.set(session, key, new Entry(new byte[0], item.flags(), 0))
					.thenReturn(MetaResult.of(Status.HIT));
			}
			return handler.delete(session, key).thenReturn(MetaResult.of(Status.HIT));
		}).defaultIfEmpty(MetaResult.of(Status.NOT_FOUND));
	}

	private static Mono<MetaResult> arithmetic(MemcachedCommandHandler handler, Session session, MetaCommand command) {
		MetaFlags flags = command.flags();
		Key key = command.key();
		boolean increment = flags.mode() != 'D' && flags.mode() != '-';
		Mono<Long> applied = increment ? handler.increment(session, key, flags.delta())
				: handler.decrement(session, key, flags.delta());
		Mono<MetaResult> changed = applied.map((value) -> MetaResult.of(Status.HIT).withValue(digits(value)));
		Mono<MetaResult> result = (flags.vivifyTtl() == null) ? changed.defaultIfEmpty(MetaResult.of(Status.NOT_FOUND))
				: changed.switchIfEmpty(Mono.defer(() -> vivify(handler, session, key, flags)));
		if (flags.compareCas() == null) {
			return result;
		}
		long expected = flags.compareCas();
		return handler.get(session, key)
			.flatMap((item) -> {
				Arithmetic.checkNotEmpty(item.value());
				return (item.cas() == expected) ? result : Mono.just(MetaResult.of(Status.EXISTS));
			})
			.defaultIfEmpty(MetaResult.of(Status.NOT_FOUND));
	}

	private static Mono<MetaResult> vivify(MemcachedCommandHandler handler, Session session, Key key, MetaFlags flags) {
		byte[] initial = digits(flags.initial());
		return handler.add(session, key, new Entry(initial, 0, flags.vivifyTtl()))
			.map((stored) -> stored.isStored() ? MetaResult.of(Status.CREATED).withValue(initial)
					: MetaResult.of(Status.NOT_STORED));
	}

	private static byte[] digits(long value) {
		return Long.toUnsignedString(value).getBytes(StandardCharsets.US_ASCII);
	}

	private static Status toStatus(StoreResult result) {
		return switch (result.status()) {
			case STORED -> Status.HIT;
			case NOT_STORED -> Status.NOT_STORED;
			case EXISTS -> Status.EXISTS;
			case NOT_FOUND -> Status.NOT_FOUND;
		};
	}

}
