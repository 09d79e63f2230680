package io.github.memcachedserver.command;

import io.github.memcachedserver.handler.Key;

/**
 * {@code incr} and {@code decr}.
 *
 * @param increment {@code true} for {@code incr}
 * @param key the key
 * @param delta the unsigned 64-bit delta
 * @param noreply whether the client asked for no answer
 * @since 0.1.0
 */
public record ArithmeticCommand(boolean increment, Key key, long delta, boolean noreply) implements MemcachedCommand {

	@Override
	public String name() {
		return this.increment ? "incr" : "decr";
	}

}
