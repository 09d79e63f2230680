package io.github.memcachedserver.server;

import io.github.memcachedserver.command.CacheDumpCommand;
import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.FlushAllCommand;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.StatsCommand;
import io.github.memcachedserver.command.VerbosityCommand;
import io.github.memcachedserver.internal.protocol.binary.BinaryRejection;
import io.github.memcachedserver.internal.protocol.binary.BinaryRequest;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;

/**
 * Refuses the administrative commands an exposed endpoint may want to keep from its clients,
 * before they reach the dispatcher. A refused command is answered in its pipeline position:
 * <ul>
 * <li>{@code flush_all}: {@code CLIENT_ERROR flush_all not allowed}, memcached's answer when
 * started with {@code -F} (still counted in {@code cmd_flush}, as memcached does);</li>
 * <li>{@code stats} (any group): {@code CLIENT_ERROR stats not allowed};</li>
 * <li>{@code verbosity}: {@code CLIENT_ERROR verbosity not allowed}.</li>
 * </ul>
 * memcached has no switch for the last two; their answers follow the {@code -F} wording. A
 * {@code noreply} request stays silent, and the connection stays open. Over the binary
 * protocol a refused {@code Flush} or {@code Stat} gets the "Auth failure." status memcached
 * sends for a {@code Flush} when started with {@code -F}.
 */
final class AdminCommandPolicy {

	static final String FLUSH_ALL_NOT_ALLOWED = "CLIENT_ERROR flush_all not allowed";

	static final String STATS_NOT_ALLOWED = "CLIENT_ERROR stats not allowed";

	static final String VERBOSITY_NOT_ALLOWED = "CLIENT_ERROR verbosity not allowed";

	private final boolean flushAllEnabled;

	private final boolean statsEnabled;

	private final boolean verbosityEnabled;

	private final ServerStatistics statistics;

	AdminCommandPolicy(boolean flushAllEnabled, boolean statsEnabled, boolean verbosityEnabled,
			ServerStatistics statistics) {
		this.flushAllEnabled = flushAllEnabled;
		this.statsEnabled = statsEnabled;
		this.verbosityEnabled = verbosityEnabled;
		this.statistics = statistics;
	}

	/**
	 * Tells whether every command passes unchanged, so the server can skip the check.
	 * @return whether nothing is refused
	 */
	boolean allowsAll() {
		return this.flushAllEnabled && this.statsEnabled && this.verbosityEnabled;
	}

	/**
	 * Returns the command itself when it is allowed, or the error that answers it.
	 * @param command a decoded command
	 * @return what to dispatch in its place
	 */
	MemcachedCommand apply(MemcachedCommand command) {
		if (!this.flushAllEnabled && command instanceof FlushAllCommand flush) {
			this.statistics.cmdFlush.increment();
			return ErrorReply.of(FLUSH_ALL_NOT_ALLOWED, flush.noreply());
		}
		if (!this.statsEnabled && (command instanceof StatsCommand || command instanceof CacheDumpCommand)) {
			return ErrorReply.of(STATS_NOT_ALLOWED, false);
		}
		if (!this.verbosityEnabled && command instanceof VerbosityCommand verbosity) {
			return ErrorReply.of(VERBOSITY_NOT_ALLOWED, verbosity.noreply());
		}
		if (command instanceof BinaryRequest request
				&& ((!this.flushAllEnabled && request.command() == Opcodes.FLUSH)
						|| (!this.statsEnabled && request.command() == Opcodes.STAT))) {
			if (request.command() == Opcodes.FLUSH) {
				this.statistics.cmdFlush.increment();
			}
			return new BinaryRejection(request.opcode(), request.opaque(), Opcodes.STATUS_AUTH_ERROR, false, null, false);
		}
		return command;
	}

}
