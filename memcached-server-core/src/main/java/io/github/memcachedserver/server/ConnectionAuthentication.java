package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.github.memcachedserver.auth.AuthenticatedUser;
import io.github.memcachedserver.auth.MemcachedAuthenticator;
import io.github.memcachedserver.auth.PasswordLookup;
import io.github.memcachedserver.command.ErrorReply;
import io.github.memcachedserver.command.MemcachedCommand;
import io.github.memcachedserver.command.RetrievalCommand;
import io.github.memcachedserver.command.StorageCommand;
import io.github.memcachedserver.command.StorageCommand.StorageMode;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.internal.protocol.binary.BinaryRequest;
import io.github.memcachedserver.internal.protocol.binary.BinaryResponses;
import io.github.memcachedserver.internal.protocol.binary.Opcodes;
import io.github.memcachedserver.internal.protocol.text.TextResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Makes connections authenticate before they are served, the two ways memcached does: on
 * a text connection the first command must be a {@code set} whose value is
 * {@code user password} ({@code -Y}), on a binary connection SASL ({@code -S}): PLAIN, and
 * CRAM-MD5 when the authenticator can look passwords up.
 * Unlike memcached, which allows only one of the two per server, both work side by side
 * with the same users.
 */
final class ConnectionAuthentication {

	private static final String PLAIN = "PLAIN";

	private static final String CRAM_MD5 = "CRAM-MD5";

	private static final byte[] AUTHENTICATED = "Authenticated".getBytes(StandardCharsets.US_ASCII);

	private final MemcachedAuthenticator authenticator;

	/** Set when the authenticator knows passwords, which CRAM-MD5 needs. */
	private final @Nullable PasswordLookup passwords;

	/** The SASL mechanisms offered, most secure first, as memcached lists them. */
	private final byte[] mechanisms;

	private final SecureRandom random = new SecureRandom();

	private final ServerStatistics statistics;

	private final HandlerTimeout timeout;

	ConnectionAuthentication(MemcachedAuthenticator authenticator, ServerStatistics statistics,
			HandlerTimeout timeout) {
		this.authenticator = authenticator;
		this.passwords = (authenticator instanceof PasswordLookup lookup) ? lookup : null;
		this.mechanisms = ((this.passwords != null) ? CRAM_MD5 + " " + PLAIN : PLAIN).getBytes(StandardCharsets.US_ASCII);
		this.statistics = statistics;
		this.timeout = timeout;
	}

	/**
	 * Answers a text command on a connection that has not authenticated yet, as memcached's
	 * {@code try_read_command_asciiauth}: any command but {@code set} is refused, and the
	 * value of a {@code set} is checked as credentials (its key, flags and exptime ignored).
	 */
	Mono<ByteBuf> text(MemcachedCommand command, @Nullable ByteBuf received, ClientConnection connection,
			ByteBufAllocator allocator) {
		if ((command instanceof ErrorReply error && error.line().isEmpty())
				|| (command instanceof RetrievalCommand retrieval && retrieval.noreply())) {
			// a runaway line: the connection closes unanswered, as without authentication; a
			// retrieval before its own refusal (the keys before an over-long one) is part of a
			// line that the refusal answers
			return Mono.empty();
		}
		if (!(command instanceof StorageCommand storage) || storage.mode() != StorageMode.SET) {
			return Mono.just(TextResponses.line(allocator, "CLIENT_ERROR unauthenticated"));
		}
		// the credentials may have arrived in the store's memory, like any value
		String credentials = (received != null) ? received.toString(StandardCharsets.UTF_8)
				: new String(storage.entry().value(), StandardCharsets.UTF_8);
		List<String> tokens = tokens(credentials);
		if (tokens.size() < 2) {
			return Mono.just(TextResponses.line(allocator, "CLIENT_ERROR bad authentication token format"));
		}
		return check(connection, tokens.get(0), tokens.get(1))
			.map((ok) -> ok ? TextResponses.storeResult(StoreResult.STORED)
					: TextResponses.line(allocator, "CLIENT_ERROR authentication failure"));
	}

	/**
	 * Tells whether a binary request may run on a connection that has not authenticated:
	 * memcached lets only the SASL requests and Version through.
	 */
	static boolean allowedBeforeAuthentication(int command) {
		return command == Opcodes.SASL_LIST_MECHS || command == Opcodes.SASL_AUTH || command == Opcodes.SASL_STEP
				|| command == Opcodes.VERSION;
	}

	/**
	 * Answers a SASL request: the mechanism list, a PLAIN exchange (one message), or a
	 * CRAM-MD5 exchange (a challenge, then the client's digest in a {@code SASL_STEP}).
	 */
	Mono<ByteBuf> sasl(BinaryRequest request, ClientConnection connection, ByteBufAllocator allocator) {
		if (request.command() == Opcodes.SASL_LIST_MECHS) {
			return Mono.just(body(allocator, request, Opcodes.STATUS_OK, this.mechanisms));
		}
		String mechanism = (request.key() != null) ? request.key().toString() : "";
		String challenge = connection.takeSaslChallenge();
		Mono<Boolean> verdict;
		if (request.command() == Opcodes.SASL_AUTH && PLAIN.equals(mechanism)) {
			String[] credentials = plainMessage(request.value());
			verdict = (credentials != null) ? check(connection, credentials[0], credentials[1])
					: Mono.fromSupplier(this::failed);
		}
		else if (request.command() == Opcodes.SASL_AUTH && CRAM_MD5.equals(mechanism) && this.passwords != null) {
			String next = "<" + this.random.nextLong() + "." + System.currentTimeMillis() + "@memcached>";
			connection.saslChallenge(next);
			return Mono.just(body(allocator, request, Opcodes.STATUS_AUTH_CONTINUE,
					next.getBytes(StandardCharsets.US_ASCII)));
		}
		else if (request.command() == Opcodes.SASL_STEP && CRAM_MD5.equals(mechanism) && challenge != null) {
			verdict = Mono.fromSupplier(() -> checkDigest(connection, challenge, request.value()));
		}
		else {
			verdict = Mono.fromSupplier(this::failed);
		}
		return verdict.map((ok) -> ok ? body(allocator, request, Opcodes.STATUS_OK, AUTHENTICATED)
				: BinaryResponses.error(allocator, request.opcode(), request.opaque(), Opcodes.STATUS_AUTH_ERROR));
	}

	private static ByteBuf body(ByteBufAllocator allocator, BinaryRequest request, int status, byte[] body) {
		return BinaryResponses.start(allocator, request, status, 0, 0, body.length, 0).writeBytes(body);
	}

	/**
	 * Splits a PLAIN message (RFC 4616), {@code [authzid] NUL authcid NUL password}; acting
	 * for another identity (an authzid other than the user) is not supported.
	 * @return the user and password, or {@code null} when the message is malformed
	 */
	private static String @Nullable [] plainMessage(byte[] message) {
		String[] parts = new String(message, StandardCharsets.UTF_8).split("\0", -1);
		if (parts.length != 3 || parts[1].isEmpty() || (!parts[0].isEmpty() && !parts[0].equals(parts[1]))) {
			return null;
		}
		return new String[] { parts[1], parts[2] };
	}

	/**
	 * Checks a CRAM-MD5 answer (RFC 2195), {@code user SP hex(HMAC-MD5(password, challenge))}.
	 */
	private boolean checkDigest(ClientConnection connection, String challenge, byte[] answer) {
		String text = new String(answer, StandardCharsets.UTF_8);
		int space = text.lastIndexOf(' ');
		String user = (space > 0) ? text.substring(0, space) : "";
		String password = (this.passwords != null && space > 0) ? this.passwords.passwordOf(user) : null;
		if (password == null) {
			return failed();
		}
		byte[] expected = HexFormat.of().formatHex(hmacMd5(password, challenge)).getBytes(StandardCharsets.US_ASCII);
		byte[] given = text.substring(space + 1).getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(expected, given) ? succeeded(connection, new AuthenticatedUser(user)) : failed();
	}

	private static byte[] hmacMd5(String key, String message) {
		try {
			Mac mac = Mac.getInstance("HmacMD5");
			mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
			return mac.doFinal(message.getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacMD5 is part of every JDK", ex);
		}
	}

	private Mono<Boolean> check(ClientConnection connection, String username, String password) {
		return this.timeout.guard(this.authenticator.authenticate(username, password))
			.map((principal) -> succeeded(connection, principal))
			.switchIfEmpty(Mono.fromSupplier(this::failed));
	}

	private boolean succeeded(ClientConnection connection, Principal principal) {
		this.statistics.authCmds.increment();
		connection.session().setPrincipal(principal);
		connection.loggedIn();
		return true;
	}

	private boolean failed() {
		this.statistics.authCmds.increment();
		this.statistics.authErrors.increment();
		return false;
	}

	/** memcached's tokenizer: tokens are separated by one or more spaces. */
	private static List<String> tokens(String line) {
		List<String> tokens = new ArrayList<>(2);
		for (String token : line.split(" ")) {
			if (!token.isEmpty()) {
				tokens.add(token);
			}
		}
		return tokens;
	}

}
