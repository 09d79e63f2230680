package io.github.memcachedserver.sample.product;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.github.memcachedserver.autoconfigure.MemcachedHandler;
import io.github.memcachedserver.handler.ClientErrorException;
import io.github.memcachedserver.handler.CommandFailedException;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.handler.UnsupportedCommandException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Serves the keys {@code product:<id>} from the {@code product} table: the value is the row
 * as JSON ({@link ProductJson}) and the CAS unique is the row's {@code version} column.
 * <ul>
 * <li>{@code get}/{@code gets}: the row, or a miss; a multi-key get reads all its rows in one
 * {@code SELECT ... WHERE id IN (...)}.</li>
 * <li>{@code set}: an upsert; {@code add}: an {@code INSERT} ({@code NOT_STORED} when the row
 * exists); {@code replace}: an {@code UPDATE} ({@code NOT_STORED} when it does not).</li>
 * <li>Every write tells the row's new version, so binary and meta writes answer their CAS
 * unique without reading the row back.</li>
 * <li>{@code cas}: {@code UPDATE ... WHERE version = ?}; a stale unique answers
 * {@code EXISTS}, a missing row {@code NOT_FOUND}.</li>
 * <li>{@code delete}: a {@code DELETE}.</li>
 * <li>Rows never expire: exptime is ignored and {@code touch}/{@code gat} only check the row
 * exists. Client flags are not stored (reads answer 0). {@code append}/{@code prepend} are
 * not supported; {@code incr}/{@code decr} answer as memcached does for a non-numeric value;
 * {@code flush_all} leaves the table alone.</li>
 * </ul>
 * Database failures answer {@code SERVER_ERROR database unavailable} (or
 * {@code database error}) and keep the connection; an invalid key or value for a write
 * answers {@code CLIENT_ERROR}.
 *
 * @since 0.1.0
 */
// r2dbc-h2 runs each query on the thread that subscribes, and the pool hands connections over
// on the thread that returns one: off the event loops, or one slow query stalls every client
@MemcachedHandler(prefix = ProductMemcachedHandler.PREFIX, blocking = true)
public class ProductMemcachedHandler implements MemcachedCommandHandler {

	/** The key prefix this handler serves. */
	public static final String PREFIX = "product:";

	private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");

	private static final int UPSERT_ATTEMPTS = 3;

	/** The version of a row the handler inserts ({@link ProductRepository#insert}). */
	private static final long FIRST_VERSION = 1;

	private static final Logger logger = LoggerFactory.getLogger(ProductMemcachedHandler.class);

	private final ProductRepository repository;

	private final ProductJson json;

	/**
	 * Creates the handler.
	 * @param repository the table
	 * @param json the value codec
	 */
	public ProductMemcachedHandler(ProductRepository repository, ProductJson json) {
		this.repository = repository;
		this.json = json;
	}

	@Override
	public Mono<Item> get(Session session, Key key) {
		return query(key, (id) -> this.repository.findById(id).map(this::item));
	}

	private Item item(Product product) {
		return new Item(this.json.write(product), 0, product.version());
	}

	/**
	 * Answers a multi-key get with one {@code SELECT ... WHERE id IN (...)}.
	 */
	@Override
	public Mono<Map<Key, Item>> getAll(Session session, Collection<Key> keys) {
		Map<Long, Key> byId = new HashMap<>();
		for (Key key : keys) {
			Long id = id(key);
			if (id != null) {
				byId.put(id, key);
			}
		}
		if (byId.isEmpty()) {
			return Mono.just(Map.of());
		}
		return guard(() -> this.repository.findAllById(byId.keySet())
			.collectMap((product) -> byId.get(product.id()), this::item));
	}

	@Override
	public Mono<StoreResult> set(Session session, Key key, Entry entry) {
		return write(key, entry, (id, data) -> upsert(id, data, UPSERT_ATTEMPTS));
	}

	private Mono<StoreResult> upsert(long id, ProductData data, int attempts) {
		return this.repository.update(id, data)
			.map(StoreResult::stored)
			.switchIfEmpty(Mono.defer(() -> this.repository.insert(id, data)
				.thenReturn(StoreResult.stored(FIRST_VERSION))
				.onErrorResume(DuplicateKeyException.class, (ex) -> (attempts > 1) ? upsert(id, data, attempts - 1)
						: Mono.error(new CommandFailedException("product " + id + " changed concurrently")))));
	}

	@Override
	public Mono<StoreResult> add(Session session, Key key, Entry entry) {
		return write(key, entry, (id, data) -> this.repository.insert(id, data)
			.thenReturn(StoreResult.stored(FIRST_VERSION))
			.onErrorResume(DuplicateKeyException.class, (ex) -> Mono.just(StoreResult.NOT_STORED)));
	}

	@Override
	public Mono<StoreResult> replace(Session session, Key key, Entry entry) {
		return write(key, entry, (id, data) -> this.repository.update(id, data)
			.map(StoreResult::stored)
			.defaultIfEmpty(StoreResult.NOT_STORED));
	}

	@Override
	public Mono<StoreResult> cas(Session session, Key key, Entry entry, long cas) {
		return write(key, entry, (id, data) -> this.repository.updateIfVersion(id, data, cas)
			.map(StoreResult::stored)
			.switchIfEmpty(Mono.defer(() -> this.repository.existsById(id)
				.map((exists) -> exists ? StoreResult.EXISTS : StoreResult.NOT_FOUND))));
	}

	@Override
	public Mono<Boolean> delete(Session session, Key key) {
		return query(key, this.repository::deleteById);
	}

	@Override
	public Mono<StoreResult> append(Session session, Key key, byte[] data) {
		return Mono.error(new UnsupportedCommandException("append"));
	}

	@Override
	public Mono<StoreResult> prepend(Session session, Key key, byte[] data) {
		return Mono.error(new UnsupportedCommandException("prepend"));
	}

	@Override
	public Mono<Long> increment(Session session, Key key, long delta) {
		return nonNumeric(key);
	}

	@Override
	public Mono<Long> decrement(Session session, Key key, long delta) {
		return nonNumeric(key);
	}

	private Mono<Long> nonNumeric(Key key) {
		return query(key, (id) -> this.repository.existsById(id)
			.filter(Boolean::booleanValue)
			.flatMap((exists) -> Mono.error(new ClientErrorException(NON_NUMERIC_VALUE))));
	}

	@Override
	public Mono<Boolean> exists(Session session, Key key) {
		return query(key, this.repository::existsById);
	}

	@Override
	public Mono<Boolean> touch(Session session, Key key, long exptime) {
		return exists(session, key);
	}

	@Override
	public Mono<Item> getAndTouch(Session session, Key key, long exptime) {
		return get(session, key);
	}

	@Override
	public String toString() {
		return "ProductMemcachedHandler";
	}

	private <T> Mono<T> query(Key key, LongFunction<Mono<T>> operation) {
		Long id = id(key);
		if (id == null) {
			return Mono.empty();
		}
		return guard(() -> operation.apply(id));
	}

	private Mono<StoreResult> write(Key key, Entry entry, Write write) {
		Long id = id(key);
		if (id == null) {
			return Mono.error(new ClientErrorException("product keys are " + PREFIX + "<id>, a positive decimal id"));
		}
		return guard(() -> write.apply(id, this.json.read(id, entry.value())));
	}

	private <T> Mono<T> guard(Supplier<Mono<T>> operation) {
		return Mono.defer(operation).onErrorMap(ProductMemcachedHandler::isDatabaseFailure, this::databaseFailure);
	}

	private static boolean isDatabaseFailure(Throwable ex) {
		return !(ex instanceof ClientErrorException || ex instanceof CommandFailedException);
	}

	private CommandFailedException databaseFailure(Throwable ex) {
		boolean unavailable = ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessException
				|| ex instanceof TimeoutException;
		String message = unavailable ? "database unavailable" : "database error";
		logger.warn("Product command failed: {}: {}", message, ex.toString());
		return new CommandFailedException(message, ex);
	}

	private static Long id(Key key) {
		String text = key.toString();
		if (!text.startsWith(PREFIX)) {
			return null;
		}
		String id = text.substring(PREFIX.length());
		return ID.matcher(id).matches() ? Long.valueOf(id) : null;
	}

	@FunctionalInterface
	private interface Write {

		Mono<StoreResult> apply(long id, ProductData data);

	}

}
