package io.github.memcachedserver.autoconfigure;

import java.util.concurrent.CountDownLatch;

import io.github.memcachedserver.server.MemcachedServer;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the memcached server with the application context and stops it gracefully, letting
 * in-flight commands finish, when the context closes. While the server runs, a non-daemon
 * thread keeps the JVM alive, as Spring Boot's own servers do, so an application with no
 * web server keeps serving.
 *
 * @since 0.1.0
 */
public class MemcachedServerLifecycle implements SmartLifecycle {

	private final MemcachedServer server;

	private volatile CountDownLatch stopped;

	/**
	 * Creates a lifecycle for a server.
	 * @param server the server
	 */
	public MemcachedServerLifecycle(MemcachedServer server) {
		this.server = server;
	}

	@Override
	public void start() {
		this.server.start();
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

	@Override
	public void stop() {
		try {
			this.server.stop();
		}
		finally {
			CountDownLatch latch = this.stopped;
			if (latch != null) {
				latch.countDown();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

}
