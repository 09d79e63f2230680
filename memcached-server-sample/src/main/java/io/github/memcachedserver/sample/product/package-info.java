/**
 * The product table exposed as memcached keys through R2DBC.
 */
@NullMarked
package io.github.memcachedserver.sample.product;

import org.jspecify.annotations.NullMarked;
