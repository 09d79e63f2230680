package io.github.memcachedserver.internal.protocol.text;

import java.util.Arrays;
import java.util.List;

import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.MetaCommand;
import io.github.memcachedserver.command.MetaFlags;
import io.github.memcachedserver.handler.Key;
import org.jspecify.annotations.Nullable;

/**
 * Parses the request line of a meta command ({@code mg}, {@code ms}, {@code md},
 * {@code ma}, {@code mn}, {@code me}) with memcached's flag rules: each flag at most once,
 * numeric flag arguments parsed as memcached parses them, and memcached's error strings.
 * Flags the newest protocol document adds ({@code E}, {@code x}) are accepted too.
 */
final class MetaCommandParser {

	/** memcached refuses meta commands of 20 or more tokens (MFLAG_MAX_OPT_LENGTH). */
	private static final int MAX_WORDS = 19;

	private static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";

	private static final String BAD_TOKEN = "CLIENT_ERROR bad token in command line format";

	private static final String KEY_NOT_DECODED = "CLIENT_ERROR error decoding key";

	/** memcached's answer to an opaque token over 32 bytes. */
	static final String OPAQUE_TOO_LONG = "CLIENT_ERROR opaque token too long";

	private static final MetaFlags NO_FLAGS = new Flags(0).toFlags();

	private MetaCommandParser() {
	}

	/**
	 * The outcome of parsing an {@code ms} line: either the command waiting for its data, or
	 * an error, with how many data bytes to discard.
	 */
	record SetLine(@Nullable MetaCommand command, @Nullable ErrorReply error, long dataLength) {
	}

	/**
	 * Parses every meta command but {@code ms}.
	 * @param line the tokenized line
	 * @return the command or its error
	 */
	static MemcachedCommand parse(CommandLine line) {
		char code = (char) line.byteAt(0, 1);
		if (code == 'n') {
			return new MetaCommand('n', null, NO_FLAGS, null);
		}
		if (line.count() < 2) {
			return error(BAD_FORMAT);
		}
		if (code == 'e') {
			return debug(line);
		}
		if (line.length(1) > TextCommandDecoder.KEY_MAX_LENGTH) {
			return error(BAD_FORMAT);
		}
		if (line.count() > MAX_WORDS) {
			return error((code == 'g') ? "CLIENT_ERROR options flags are too long" : "CLIENT_ERROR options flags too long");
		}
		Flags flags = new Flags(line.count() - 2);
		String problem = flags.parse(line, 2);
		if (problem != null) {
			// memcached reports md and ma flag problems with one generic message
			return error((code == 'g') ? problem : "CLIENT_ERROR invalid or duplicate flag");
		}
		MetaFlags parsed = flags.toFlags();
		// md checks its opaque before acting; mg and ma act first and fail while answering
		if (code == 'd' && parsed.opaqueTooLong()) {
			return error(OPAQUE_TOO_LONG);
		}
		if (code == 'a' && flags.mode != 0 && "I+D-".indexOf(flags.mode) < 0) {
			return error("CLIENT_ERROR invalid mode for ma M token");
		}
		return new MetaCommand(code, flags.key(line), parsed, null);
	}

	/**
	 * Parses an {@code ms} line.
	 * @param line the tokenized line
	 * @return the command awaiting its data, or an error and the data to discard
	 */
	static SetLine parseSet(CommandLine line) {
		if (line.count() < 3) {
			return new SetLine(null, error(BAD_FORMAT), 0);
		}
		long length = line.signed32(2);
		if (line.lastParseFailed() || length < 0 || length > Integer.MAX_VALUE - 2) {
			return new SetLine(null, error(BAD_FORMAT), 0);
		}
		// as memcached 1.6.45: once the data size is known, a refused line swallows its data
		if (line.length(1) > TextCommandDecoder.KEY_MAX_LENGTH) {
			return new SetLine(null, error(BAD_FORMAT), length + 2);
		}
		if (line.count() > MAX_WORDS) {
			return new SetLine(null, error("CLIENT_ERROR options flags are too long"), length + 2);
		}
		Flags flags = new Flags(line.count() - 3);
		String problem = flags.parse(line, 3);
		if (problem == null && flags.mode != 0 && "EAPRS".indexOf(flags.mode) < 0) {
			problem = "CLIENT_ERROR invalid mode for ms M token";
		}
		MetaFlags parsed = flags.toFlags();
		if (problem == null && parsed.opaqueTooLong()) {
			problem = OPAQUE_TOO_LONG;
		}
		if (problem != null) {
			return new SetLine(null, error(problem), length + 2);
		}
		return new SetLine(new MetaCommand('s', flags.key(line), parsed, null), null, length);
	}

	private static MemcachedCommand debug(CommandLine line) {
		if (line.length(1) > TextCommandDecoder.KEY_MAX_LENGTH) {
			return error(BAD_FORMAT);
		}
		Flags flags = new Flags(0);
		if (line.count() >= 3 && line.is(2, "b") && !flags.decodeKey(line)) {
			return error(BAD_FORMAT);
		}
		return new MetaCommand('e', flags.key(line), flags.toFlags(), null);
	}

	private static ErrorReply error(String line) {
		// errors of meta commands are answered even in quiet mode
		return ErrorReply.of(line, false);
	}

	/** Mutable flag state while parsing one line. */
	private static final class Flags {

		/** The flag tokens in request order; as many as parsed so far are filled in. */
		private final byte[][] tokens;

		private int tokenCount;

		Flags(int maxTokens) {
			this.tokens = new byte[maxTokens][];
		}

		boolean base64Key;

		/** The key {@code b} decoded, once decoded. */
		private byte @Nullable [] decodedKey;

		boolean quiet;

		boolean returnValue;

		boolean noBump;

		boolean invalidate;

		boolean removeValue;

		Long compareCas;

		Long newCas;

		Long vivifyTtl;

		Long recacheThreshold;

		Long ttl;

		long clientFlags;

		char mode;

		long initial;

		long delta = 1;

		/**
		 * Parses the flags from a token on, as memcached's {@code _meta_flag_preparse}: a
		 * duplicate or unknown flag stops at once, other problems are remembered (the last
		 * one wins, a bad {@code F} only where none came before) while parsing goes on;
		 * {@code b} decodes the key where it stands among them.
		 * @return the error line, or {@code null} when every flag is valid
		 */
		@Nullable String parse(CommandLine line, int first) {
			// the flags seen so far, one bit per character below 127
			long seenLow = 0;
			long seenHigh = 0;
			String problem = null;
			for (int token = first; token < line.count(); token++) {
				int flag = line.byteAt(token, 0) & 0xff;
				if (flag >= 127) {
					return "CLIENT_ERROR duplicate flag";
				}
				long bit = 1L << flag;
				if ((((flag < 64) ? seenLow : seenHigh) & bit) != 0) {
					return "CLIENT_ERROR duplicate flag";
				}
				if (flag < 64) {
					seenLow |= bit;
				}
				else {
					seenHigh |= bit;
				}
				this.tokens[this.tokenCount++] = line.bytes(token);
				switch (flag) {
					case 'b' -> {
						if (!decodeKey(line)) {
							problem = KEY_NOT_DECODED;
						}
					}
					case 'N' -> this.vivifyTtl = signed(line, token);
					case 'T' -> this.ttl = signed(line, token);
					case 'R' -> this.recacheThreshold = signed(line, token);
					case 'v' -> this.returnValue = true;
					case 'u' -> this.noBump = true;
					case 'q' -> this.quiet = true;
					case 'I' -> this.invalidate = true;
					case 'x' -> this.removeValue = true;
					case 'l', 'h', 'O', 'P', 'L', 'k', 's', 't', 'c', 'f' -> {
					}
					case 'F' -> {
						this.clientFlags = line.unsigned32(token, 1);
						if (line.lastParseFailed() && problem == null) {
							// memcached marks the error without a message of its own
							problem = BAD_FORMAT;
						}
					}
					case 'C' -> this.compareCas = unsigned(line, token);
					case 'E' -> this.newCas = unsigned(line, token);
					case 'M' -> {
						if (line.length(token) != 2) {
							problem = "CLIENT_ERROR incorrect length for M token";
						}
						else {
							this.mode = (char) line.byteAt(token, 1);
						}
					}
					case 'J' -> {
						this.initial = line.unsigned64(token, 1);
						if (line.lastParseFailed()) {
							problem = "CLIENT_ERROR invalid numeric initial value";
						}
					}
					case 'D' -> {
						this.delta = line.unsigned64(token, 1);
						if (line.lastParseFailed()) {
							problem = "CLIENT_ERROR invalid numeric delta value";
						}
					}
					default -> {
						return "CLIENT_ERROR invalid flag";
					}
				}
				if ((flag == 'N' && this.vivifyTtl == null) || (flag == 'T' && this.ttl == null)
						|| (flag == 'R' && this.recacheThreshold == null) || (flag == 'C' && this.compareCas == null)
						|| (flag == 'E' && this.newCas == null)) {
					problem = BAD_TOKEN;
				}
			}
			return problem;
		}

		/** Takes the key as base64; returns whether memcached can decode it. */
		boolean decodeKey(CommandLine line) {
			this.base64Key = true;
			this.decodedKey = Base64Key.decode(line.bytes(1));
			return this.decodedKey != null;
		}

		/** The key of a line whose flags parsed without a problem. */
		Key key(CommandLine line) {
			byte[] decoded = this.decodedKey;
			return Key.wrap((decoded != null) ? decoded : line.bytes(1));
		}

		MetaFlags toFlags() {
			List<byte[]> parsed = (this.tokenCount == this.tokens.length) ? List.of(this.tokens)
					: List.of(Arrays.copyOf(this.tokens, this.tokenCount));
			return new MetaFlags(parsed, this.base64Key, this.quiet, this.returnValue, this.noBump,
					this.invalidate, this.removeValue, this.compareCas, this.newCas, this.vivifyTtl,
					this.recacheThreshold, this.ttl, this.clientFlags, this.mode, this.initial, this.delta);
		}

		private static @Nullable Long signed(CommandLine line, int token) {
			long value = line.signed32(token, 1);
			return line.lastParseFailed() ? null : value;
		}

		private static @Nullable Long unsigned(CommandLine line, int token) {
			long value = line.unsigned64(token, 1);
			return line.lastParseFailed() ? null : value;
		}

	}

}
