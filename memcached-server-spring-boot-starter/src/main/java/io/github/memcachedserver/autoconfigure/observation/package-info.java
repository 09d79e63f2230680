/**
 * Auto-configuration of the observation of every memcached command (metrics and tracing).
 */
@NullMarked
package io.github.memcachedserver.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
