/**
 * The handler SPI: what an application implements to serve memcached commands.
 */
@NullMarked
package io.github.memcachedserver.handler;

import org.jspecify.annotations.NullMarked;
