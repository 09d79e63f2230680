package io.github.memcachedserver.autoconfigure;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.github.memcachedserver.server.MemcachedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Starts the memcached server with the application context, publishing the first TCP port
 * as {@code local.memcached.server.port}, and stops it gracefully when the context closes:
 * no new connections or commands, in-flight commands answered within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, then every connection closed. While
 * the server runs, a non-daemon thread keeps the JVM alive, as Spring Boot's own servers
 * do, so an application with no web server keeps serving.
 *
 * @since 0.1.0
 */
public class MemcachedServerLifecycle implements SmartLifecycle {

	/** The property holding the port of the first TCP listener once started. */
	public static final String LOCAL_PORT_PROPERTY = "local.memcached.server.port";

	/**
	 * The lifecycle phase: between Spring Boot's web server start/stop
	 * ({@code DEFAULT_PHASE - 2048}) and its graceful shutdown ({@code DEFAULT_PHASE - 1024}).
	 * On shutdown the web server first stops accepting requests, then the memcached server
	 * stops (in-flight commands answered), then the web server stops; data sources and pools,
	 * closed when their beans are destroyed, are still there for the last commands. On
	 * startup the web server (and its actuator) is up before memcached accepts clients.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private static final Logger logger = LoggerFactory.getLogger(MemcachedServerLifecycle.class);

	private final MemcachedServer server;

	private final ConfigurableEnvironment environment;

	private final Duration shutdownTimeout;

	private volatile CountDownLatch stopped;

	/**
	 * Creates a lifecycle for a server.
	 * @param server the server
	 * @param environment where to publish the bound port
	 * @param shutdownTimeout how long in-flight commands may take to finish on shutdown
	 */
	public MemcachedServerLifecycle(MemcachedServer server, ConfigurableEnvironment environment,
			Duration shutdownTimeout) {
		this.server = server;
		this.environment = environment;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start() {
		this.server.start();
		publishPort();
		CountDownLatch latch = new CountDownLatch(1);
		this.stopped = latch;
		Thread awaiter = new Thread(() -> {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "memcached-server-await");
		awaiter.setDaemon(false);
		awaiter.start();
	}

	private void publishPort() {
		for (SocketAddress address : this.server.boundAddresses()) {
			if (address instanceof InetSocketAddress inet) {
				MutablePropertySources sources = this.environment.getPropertySources();
				sources.remove("memcached.server.ports");
				sources.addFirst(new MapPropertySource("memcached.server.ports", Map.of(LOCAL_PORT_PROPERTY, inet.getPort())));
				return;
			}
		}
	}

	@Override
	public void stop() {
		logger.info("Commencing graceful shutdown of the memcached server");
		try {
			this.server.stop(this.shutdownTimeout);
			logger.info("Graceful shutdown of the memcached server complete");
		}
		finally {
			CountDownLatch latch = this.stopped;
			if (latch != null) {
				latch.countDown();
			}
		}
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

}
