package io.github.memcachedserver.sample.product;

import java.math.BigDecimal;

/**
 * What a client writes to a product: the columns other than the key and the version.
 *
 * @param name the product name
 * @param price the price, at most two decimals
 * @since 0.1.0
 */
public record ProductData(String name, BigDecimal price) {

}
