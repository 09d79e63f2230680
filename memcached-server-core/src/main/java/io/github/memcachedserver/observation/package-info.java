/**
 * Micrometer Observation of the commands a server answers: one observation per command,
 * named {@code memcached.server.commands}, whose key values a
 * {@link io.github.memcachedserver.observation.MemcachedObservationConvention} decides.
 */
@NullMarked
package io.github.memcachedserver.observation;

import org.jspecify.annotations.NullMarked;
