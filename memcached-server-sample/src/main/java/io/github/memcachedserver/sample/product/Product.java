package io.github.memcachedserver.sample.product;

import java.math.BigDecimal;

/**
 * A row of the {@code product} table.
 *
 * @param id the primary key, the {@code <id>} of the memcached key {@code product:<id>}
 * @param name the product name
 * @param price the price, two decimals
 * @param version the optimistic-locking version, bumped by every write; served as the CAS
 * unique
 * @since 0.1.0
 */
public record Product(long id, String name, BigDecimal price, long version) {

}
