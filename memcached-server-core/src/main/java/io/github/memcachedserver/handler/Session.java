package io.github.memcachedserver.handler;

import java.net.SocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * One client connection as a handler sees it: the per-connection state that the Perl
 * original kept in its client object.
 *
 * @since 0.1.0
 */
public final class Session {

	private final long id;

	private final @Nullable SocketAddress localAddress;

	private final @Nullable SocketAddress remoteAddress;

	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	private volatile @Nullable Principal principal;

	/**
	 * Creates a session.
	 * @param id the connection id, unique within the server
	 * @param localAddress the address the client connected to
	 * @param remoteAddress the client's address
	 */
	public Session(long id, @Nullable SocketAddress localAddress, @Nullable SocketAddress remoteAddress) {
		this.id = id;
		this.localAddress = localAddress;
		this.remoteAddress = remoteAddress;
	}

	/**
	 * Returns the connection id, unique within the server's lifetime.
	 * @return the id
	 */
	public long id() {
		return this.id;
	}

	/**
	 * Returns the listener address the client connected to.
	 * @return the local address, or {@code null} when unknown
	 */
	public @Nullable SocketAddress localAddress() {
		return this.localAddress;
	}

	/**
	 * Returns the client's address.
	 * @return the remote address, or {@code null} when unknown (e.g. a unix socket peer)
	 */
	public @Nullable SocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Returns the mutable per-connection attributes, for state a handler keeps between
	 * commands. They are dropped when the connection closes.
	 * @return the attributes
	 */
	public Map<String, Object> attributes() {
		return this.attributes;
	}

	/**
	 * Returns who the client is: what the authenticator returned once the client logged in
	 * (see {@code MemcachedServerBuilder#authenticator}), or before that (and on servers
	 * without logins) the subject of the trusted certificate a TLS client presented.
	 * @return the principal, or {@code null} when the client is anonymous
	 */
	public @Nullable Principal principal() {
		return this.principal;
	}

	/**
	 * Sets who the connection authenticated as.
	 * @param principal the principal
	 */
	public void setPrincipal(@Nullable Principal principal) {
		this.principal = principal;
	}

	@Override
	public String toString() {
		return "Session[id=" + this.id + ", remote=" + this.remoteAddress + "]";
	}

}
