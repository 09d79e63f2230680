package io.github.memcachedserver.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Decides the name and key values of a command's observation; implement it (or extend
 * {@link DefaultMemcachedObservationConvention}) to add or change key values.
 *
 * @since 0.1.0
 */
public interface MemcachedObservationConvention extends ObservationConvention<MemcachedObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MemcachedObservationContext;
	}

}
