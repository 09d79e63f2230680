package io.github.memcachedserver.command;

/**
 * {@code stats [group [argument]]}.
 *
 * @param group the statistics group ({@code settings}, {@code items}, ...), empty for the
 * general statistics
 * @param argument the word after the group ({@code on}, {@code off} or {@code dump} after
 * {@code detail}), empty when there is none; words after it are ignored, as memcached
 * ignores them
 * @since 0.1.0
 */
public record StatsCommand(String group, String argument) implements MemcachedCommand {

	@Override
	public String name() {
		return "stats";
	}

}
