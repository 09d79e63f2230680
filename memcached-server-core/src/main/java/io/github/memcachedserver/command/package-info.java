/**
 * The command model: one record per decoded request.
 */
@NullMarked
package io.github.memcachedserver.command;

import org.jspecify.annotations.NullMarked;
