package io.github.memcachedserver.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;

import io.netty.channel.unix.DomainSocketAddress;

/**
 * Where a listener accepts connections: a TCP host and port, or a unix domain socket path.
 * Parsed from memcached-style strings: {@code 127.0.0.1:11211}, {@code [::1]:11211},
 * {@code localhost:11211}, {@code :11211} (all interfaces), {@code unix:/run/memcached.sock}.
 *
 * @since 0.1.0
 */
public sealed interface ListenAddress {

	/** memcached's default port. */
	int DEFAULT_PORT = 11211;

	/**
	 * Returns the socket address to bind.
	 * @return the address
	 */
	SocketAddress toSocketAddress();

	/**
	 * Creates a TCP listen address.
	 * @param host the host name or IP literal to bind
	 * @param port the port, 0 for any free one
	 * @return the address
	 */
	static ListenAddress tcp(String host, int port) {
		return new Tcp(host, port);
	}

	/**
	 * Creates a unix domain socket listen address.
	 * @param path the socket file
	 * @return the address
	 */
	static ListenAddress unix(Path path) {
		return new Unix(path);
	}

	/**
	 * Parses a listen address.
	 * @param text e.g. {@code 127.0.0.1:11211}, {@code [::1]:0}, {@code unix:/tmp/mc.sock}
	 * @return the address
	 * @throws IllegalArgumentException when the text is not a listen address
	 */
	static ListenAddress parse(String text) {
		String value = text.trim();
		if (value.startsWith("unix:")) {
			String path = value.substring("unix:".length());
			if (path.isEmpty()) {
				throw new IllegalArgumentException("Listen address '" + text + "' has no socket path");
			}
			return unix(Path.of(path));
		}
		int colon = value.lastIndexOf(':');
		String host;
		int port;
		if (value.startsWith("[")) {
			int close = value.indexOf(']');
			if (close < 0) {
				throw new IllegalArgumentException("Listen address '" + text + "' has an unclosed '['");
			}
			host = value.substring(1, close);
			port = (close + 1 < value.length()) ? port(text, value.substring(close + 1)) : DEFAULT_PORT;
		}
		else if (colon >= 0 && value.indexOf(':') == colon) {
			host = value.substring(0, colon);
			port = port(text, value.substring(colon));
		}
		else {
			host = value;
			port = DEFAULT_PORT;
		}
		return tcp(host.isEmpty() ? "0.0.0.0" : host, port);
	}

	private static int port(String text, String colonAndPort) {
		if (!colonAndPort.startsWith(":")) {
			throw new IllegalArgumentException("Listen address '" + text + "' must be host:port");
		}
		try {
			int port = Integer.parseInt(colonAndPort.substring(1));
			if (port < 0 || port > 65535) {
				throw new NumberFormatException();
			}
			return port;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Listen address '" + text + "' has an invalid port");
		}
	}

	/**
	 * A TCP listen address.
	 *
	 * @param host the host name or IP literal
	 * @param port the port, 0 for any free one
	 */
	record Tcp(String host, int port) implements ListenAddress {

		@Override
		public SocketAddress toSocketAddress() {
			return new InetSocketAddress(this.host, this.port);
		}

		@Override
		public String toString() {
			return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
		}

	}

	/**
	 * A unix domain socket listen address.
	 *
	 * @param path the socket file
	 */
	record Unix(Path path) implements ListenAddress {

		/**
		 * Returns Netty's domain socket address, which the native transports bind (the server
		 * binds the JDK's {@link java.net.UnixDomainSocketAddress} on NIO).
		 */
		@Override
		public SocketAddress toSocketAddress() {
			return new DomainSocketAddress(this.path.toString());
		}

		@Override
		public String toString() {
			return "unix:" + this.path;
		}

	}

}
