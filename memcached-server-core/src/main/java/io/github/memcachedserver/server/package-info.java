/**
 * The reactor-netty server: listeners, connection pipelines, dispatch and statistics.
 */
@NullMarked
package io.github.memcachedserver.server;

import org.jspecify.annotations.NullMarked;
