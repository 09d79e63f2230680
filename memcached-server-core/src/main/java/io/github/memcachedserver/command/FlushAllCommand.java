package io.github.memcachedserver.command;

/**
 * {@code flush_all [delay] [noreply]}.
 *
 * @param delaySeconds seconds before the flush takes effect
 * @param noreply whether the client asked for no answer
 * @since 0.1.0
 */
public record FlushAllCommand(long delaySeconds, boolean noreply) implements MemcachedCommand {

	@Override
	public String name() {
		return "flush_all";
	}

}
