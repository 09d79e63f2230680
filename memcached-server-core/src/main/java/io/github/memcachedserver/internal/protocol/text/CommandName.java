package io.github.memcachedserver.internal.protocol.text;

import org.jspecify.annotations.Nullable;

/**
 * The text protocol's command names other than the meta commands, found in a request line
 * without making a string of its first word (a string per request was the decoder's largest
 * garbage after the answers). The most frequent come first.
 */
enum CommandName {

	GET("get"), SET("set"), GETS("gets"), DELETE("delete"), INCR("incr"), DECR("decr"), TOUCH("touch"),
	GAT("gat"), GATS("gats"), ADD("add"), REPLACE("replace"), APPEND("append"), PREPEND("prepend"),
	CAS("cas"), BGET("bget"), FLUSH_ALL("flush_all"), VERBOSITY("verbosity"), VERSION("version"),
	QUIT("quit"), STATS("stats"), SHUTDOWN("shutdown");

	private static final CommandName[] ALL = values();

	private final String text;

	CommandName(String text) {
		this.text = text;
	}

	/**
	 * The command a line's first word names.
	 * @param line the request line
	 * @return the command, {@code null} for a word that names none
	 */
	static @Nullable CommandName of(CommandLine line) {
		for (CommandName name : ALL) {
			if (line.is(0, name.text)) {
				return name;
			}
		}
		return null;
	}

}
