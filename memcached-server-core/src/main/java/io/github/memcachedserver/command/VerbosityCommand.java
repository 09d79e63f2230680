package io.github.memcachedserver.command;

/**
 * {@code verbosity <level> [noreply]}; accepted and answered, as logging levels are the
 * host application's business.
 *
 * @param level the requested level
 * @param noreply whether the client asked for no answer
 * @since 0.1.0
 */
public record VerbosityCommand(long level, boolean noreply) implements MemcachedCommand {

	@Override
	public String name() {
		return "verbosity";
	}

}
