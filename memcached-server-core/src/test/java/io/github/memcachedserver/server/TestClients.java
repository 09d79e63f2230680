package io.github.memcachedserver.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;

import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.auth.AuthInfo;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;

/**
 * Builds real memcached clients in text (ASCII) or binary protocol mode, and byte-exact transcoders so
 * values reach the server unchanged (no serialization, no compression).
 */
final class TestClients {

	static final long OPERATION_TIMEOUT_MILLIS = 5000;

	static {
		// route spymemcached's logging through SLF4J instead of its own stderr logger
		System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
	}

	private TestClients() {
	}

	static MemcachedClient spymemcached(int port) {
		return spymemcached(new InetSocketAddress("127.0.0.1", port));
	}

	static MemcachedClient spymemcached(InetSocketAddress address) {
		return spymemcached(address, ConnectionFactoryBuilder.Protocol.TEXT);
	}

	/** spymemcached in binary protocol mode (what its {@code BinaryConnectionFactory} builds). */
	static MemcachedClient spymemcachedBinary(int port) {
		return spymemcached(new InetSocketAddress("127.0.0.1", port), ConnectionFactoryBuilder.Protocol.BINARY);
	}

	static MemcachedClient spymemcached(InetSocketAddress address, ConnectionFactoryBuilder.Protocol protocol) {
		return spymemcached(address, protocol, null);
	}

	/** spymemcached in binary protocol mode, authenticating with SASL as the descriptor says. */
	static MemcachedClient spymemcachedSasl(int port, AuthDescriptor credentials) {
		return spymemcached(new InetSocketAddress("127.0.0.1", port), ConnectionFactoryBuilder.Protocol.BINARY,
				credentials);
	}

	private static MemcachedClient spymemcached(InetSocketAddress address, ConnectionFactoryBuilder.Protocol protocol,
			AuthDescriptor credentials) {
		ConnectionFactoryBuilder factory = new ConnectionFactoryBuilder().setProtocol(protocol)
			.setOpTimeout(OPERATION_TIMEOUT_MILLIS)
			.setFailureMode(FailureMode.Retry)
			.setAuthDescriptor(credentials)
			.setDaemon(true);
		try {
			MemcachedClient client = new MemcachedClient(factory.build(), List.of(address));
			awaitConnected(client);
			return client;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** spymemcached connects in the background; wait so no test races its first connect. */
	private static void awaitConnected(MemcachedClient client) {
		awaitConnected(() -> client.getAvailableServers().isEmpty(), client::shutdown, "spymemcached");
	}

	private static void awaitConnected(BooleanSupplier noServer, Runnable shutdown, String name) {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
		while (noServer.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				shutdown.run();
				throw new IllegalStateException(name + " did not connect within 5 seconds");
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	static net.rubyeye.xmemcached.MemcachedClient xmemcached(int port) {
		return xmemcached(port, new TextCommandFactory());
	}

	/** xmemcached in binary protocol mode ({@code BinaryCommandFactory}). */
	static net.rubyeye.xmemcached.MemcachedClient xmemcachedBinary(int port) {
		return xmemcached(port, new net.rubyeye.xmemcached.command.BinaryCommandFactory());
	}

	static net.rubyeye.xmemcached.MemcachedClient xmemcached(int port,
			net.rubyeye.xmemcached.CommandFactory commandFactory) {
		return xmemcached(port, commandFactory, null);
	}

	/** xmemcached in binary protocol mode, authenticating with SASL as the credentials say. */
	static net.rubyeye.xmemcached.MemcachedClient xmemcachedSasl(int port, AuthInfo credentials) {
		net.rubyeye.xmemcached.MemcachedClient client = xmemcached(port,
				new net.rubyeye.xmemcached.command.BinaryCommandFactory(), credentials);
		// xmemcached offers the connection to commands only once its login has finished
		awaitConnected(() -> client.getAvailableServers().isEmpty(), () -> shutdown(client), "xmemcached");
		return client;
	}

	private static net.rubyeye.xmemcached.MemcachedClient xmemcached(int port,
			net.rubyeye.xmemcached.CommandFactory commandFactory, AuthInfo credentials) {
		// xmemcached finds a connection's credentials by the host name of its peer address, which
		// it resolves from the IP: name the server as that reverse lookup does (127.0.0.1 -> localhost)
		InetSocketAddress address = (credentials != null) ? new InetSocketAddress("localhost", port)
				: new InetSocketAddress("127.0.0.1", port);
		XMemcachedClientBuilder builder = new XMemcachedClientBuilder(List.of(address));
		if (credentials != null) {
			builder.addAuthInfo(address, credentials);
		}
		builder.setCommandFactory(commandFactory);
		builder.setConnectionPoolSize(1);
		builder.setOpTimeout(OPERATION_TIMEOUT_MILLIS);
		builder.setConnectTimeout(OPERATION_TIMEOUT_MILLIS);
		builder.setFailureMode(false);
		try {
			net.rubyeye.xmemcached.MemcachedClient client = builder.build();
			client.setEnableHeartBeat(false);
			return client;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void shutdown(MemcachedClient client) {
		if (client != null) {
			client.shutdown();
		}
	}

	static void shutdown(net.rubyeye.xmemcached.MemcachedClient client) {
		if (client != null) {
			try {
				client.shutdown();
			}
			catch (IOException ex) {
				// best effort
			}
		}
	}

	/** spymemcached transcoder that sends bytes as they are, with the given flags. */
	static final class SpyBytes implements net.spy.memcached.transcoders.Transcoder<byte[]> {

		private final int flags;

		SpyBytes(int flags) {
			this.flags = flags;
		}

		@Override
		public boolean asyncDecode(CachedData data) {
			return false;
		}

		@Override
		public CachedData encode(byte[] value) {
			return new CachedData(this.flags, value, getMaxSize());
		}

		@Override
		public byte[] decode(CachedData data) {
			return data.getData();
		}

		@Override
		public int getMaxSize() {
			return 2 * 1024 * 1024;
		}

	}

	/** An xmemcached transcoder without options: only encode and decode are left to write. */
	abstract static class XmemTranscoder<T> implements net.rubyeye.xmemcached.transcoders.Transcoder<T> {

		@Override
		public void setPrimitiveAsString(boolean primitiveAsString) {
		}

		@Override
		public void setPackZeros(boolean packZeros) {
		}

		@Override
		public void setCompressionThreshold(int threshold) {
		}

		@Override
		public boolean isPrimitiveAsString() {
			return false;
		}

		@Override
		public boolean isPackZeros() {
			return false;
		}

		@Override
		public void setCompressionMode(CompressionMode compressionMode) {
		}

	}

	/** xmemcached transcoder that sends bytes as they are, with the given flags. */
	static final class XmemBytes extends XmemTranscoder<byte[]> {

		private final int flags;

		XmemBytes(int flags) {
			this.flags = flags;
		}

		@Override
		public net.rubyeye.xmemcached.transcoders.CachedData encode(byte[] value) {
			return new net.rubyeye.xmemcached.transcoders.CachedData(this.flags, value);
		}

		@Override
		public byte[] decode(net.rubyeye.xmemcached.transcoders.CachedData data) {
			return data.getData();
		}


	}

}
