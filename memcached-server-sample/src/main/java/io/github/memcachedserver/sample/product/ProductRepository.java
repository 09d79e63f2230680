package io.github.memcachedserver.sample.product;

import java.math.BigDecimal;
import java.util.Collection;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The {@code product} table through a reactive {@link DatabaseClient}. Every method is one
 * SQL statement, so each is atomic on its own; the conditional ones ({@code WHERE version =
 * ?}, a primary-key {@code INSERT}) let the database decide races.
 *
 * @since 0.1.0
 */
public class ProductRepository {

	private static final String COLUMNS = "id, name, price, version";

	private final DatabaseClient client;

	/**
	 * Creates a repository.
	 * @param client the database client
	 */
	public ProductRepository(DatabaseClient client) {
		this.client = client;
	}

	/**
	 * Reads a row.
	 * @param id the primary key
	 * @return the row, or empty when there is none
	 */
	public Mono<Product> findById(long id) {
		return this.client.sql("SELECT " + COLUMNS + " FROM product WHERE id = :id")
			.bind("id", id)
			.map(ProductRepository::product)
			.one();
	}

	/**
	 * Reads several rows in one statement.
	 * @param ids the primary keys
	 * @return the rows that exist, in no particular order
	 */
	public Flux<Product> findAllById(Collection<Long> ids) {
		return this.client.sql("SELECT " + COLUMNS + " FROM product WHERE id IN (:ids)")
			.bind("ids", ids)
			.map(ProductRepository::product)
			.all();
	}

	/**
	 * Inserts a row with version 1.
	 * @param id the primary key
	 * @param data the columns
	 * @return completion; a {@link org.springframework.dao.DuplicateKeyException} when the row
	 * exists
	 */
	public Mono<Void> insert(long id, ProductData data) {
		return this.client.sql("INSERT INTO product (" + COLUMNS + ") VALUES (:id, :name, :price, 1)")
			.bind("id", id)
			.bind("name", data.name())
			.bind("price", data.price())
			.then();
	}

	/**
	 * Overwrites a row, bumping its version.
	 * @param id the primary key
	 * @param data the new columns
	 * @return the row's new version, or empty when there is no row
	 */
	public Mono<Long> update(long id, ProductData data) {
		return this.client.sql("UPDATE product SET name = :name, price = :price, version = version + 1 WHERE id = :id")
			.filter((statement) -> statement.returnGeneratedValues("version"))
			.bind("id", id)
			.bind("name", data.name())
			.bind("price", data.price())
			.map((row) -> row.get("version", Long.class))
			.one();
	}

	/**
	 * Overwrites a row only when its version is still the given one, bumping it.
	 * @param id the primary key
	 * @param data the new columns
	 * @param version the version the client read
	 * @return the row's new version, or empty when it was not updated (gone, or changed since)
	 */
	public Mono<Long> updateIfVersion(long id, ProductData data, long version) {
		return this.client
			.sql("UPDATE product SET name = :name, price = :price, version = version + 1 WHERE id = :id AND version = :version")
			.filter((statement) -> statement.returnGeneratedValues("version"))
			.bind("id", id)
			.bind("name", data.name())
			.bind("price", data.price())
			.bind("version", version)
			.map((row) -> row.get("version", Long.class))
			.one();
	}

	/**
	 * Deletes a row.
	 * @param id the primary key
	 * @return whether there was one
	 */
	public Mono<Boolean> deleteById(long id) {
		return this.client.sql("DELETE FROM product WHERE id = :id")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/**
	 * Tells whether a row exists.
	 * @param id the primary key
	 * @return whether it does
	 */
	public Mono<Boolean> existsById(long id) {
		return this.client.sql("SELECT 1 FROM product WHERE id = :id")
			.bind("id", id)
			.map((row) -> true)
			.first()
			.defaultIfEmpty(false);
	}

	private static Product product(Readable row) {
		return new Product(row.get("id", Long.class), row.get("name", String.class), row.get("price", BigDecimal.class),
				row.get("version", Long.class));
	}

}
