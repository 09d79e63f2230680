package io.github.memcachedserver.command;

/**
 * {@code stats [group]}.
 *
 * @param group the statistics group ({@code settings}, {@code items}, ...), empty for the
 * general statistics
 * @since 0.1.0
 */
public record StatsCommand(String group) implements MemcachedCommand {

	@Override
	public String name() {
		return "stats";
	}

}
