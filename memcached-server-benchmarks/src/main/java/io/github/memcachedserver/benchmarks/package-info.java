/**
 * JMH benchmarks of the decoder, the encoder and the built-in store.
 */
@NullMarked
package io.github.memcachedserver.benchmarks;

import org.jspecify.annotations.NullMarked;
