package io.github.memcachedserver.command;

import io.github.memcachedserver.handler.Key;
import org.jspecify.annotations.Nullable;

/**
 * A meta command: {@code mg}, {@code ms}, {@code md}, {@code ma}, {@code mn} or {@code me}.
 *
 * @param code the second letter of the command ({@code g}, {@code s}, {@code d}, {@code a},
 * {@code n}, {@code e})
 * @param key the key, base64-decoded when {@code b} was sent; {@code null} for {@code mn}
 * @param flags the parsed flags
 * @param value the data block of {@code ms}, otherwise {@code null}
 * @since 0.1.0
 */
public record MetaCommand(char code, @Nullable Key key, MetaFlags flags, byte @Nullable [] value)
		implements MemcachedCommand {

	@Override
	public String name() {
		return switch (this.code) {
			case 'g' -> "mg";
			case 's' -> "ms";
			case 'd' -> "md";
			case 'a' -> "ma";
			case 'n' -> "mn";
			default -> "me";
		};
	}

	@Override
	public boolean noreply() {
		// quiet mode hides only nominal answers, which the dispatcher decides
		return false;
	}

}
