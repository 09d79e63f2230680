package io.github.memcachedserver.autoconfigure;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.BlockingMemcachedHandler;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.threads.virtual.enabled}, a blocking handler runs on virtual threads
 * (Java 21 and later; skipped on older JVMs).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(properties = { "memcached.server.listen=127.0.0.1:0", "spring.threads.virtual.enabled=true" })
class VirtualThreadBlockingHandlerTests {

	@Autowired
	private ThreadRecordingHandler handler;

	@LocalMemcachedServerPort
	private int port;

	@Test
	void blockingHandlersRunOnVirtualThreads() throws Exception {
		MemcachedClient client = new MemcachedClient(new InetSocketAddress("127.0.0.1", this.port));
		try {
			assertThat(client.set("vt:1", 0, "x").get()).isTrue();
			assertThat(client.get("vt:1")).isEqualTo("x");
		}
		finally {
			client.shutdown(5, TimeUnit.SECONDS);
		}
		assertThat(this.handler.virtual).isTrue();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		@MemcachedHandler(prefix = "vt:")
		ThreadRecordingHandler threadRecordingHandler() {
			return new ThreadRecordingHandler();
		}

	}

	static class ThreadRecordingHandler implements BlockingMemcachedHandler {

		private volatile byte[] value;

		volatile boolean virtual = true;

		@Override
		public Item get(Session session, Key key) {
			record();
			return (this.value != null) ? Item.of(this.value) : null;
		}

		@Override
		public StoreResult set(Session session, Key key, Entry entry) {
			record();
			this.value = entry.value();
			return StoreResult.STORED;
		}

		@Override
		public boolean delete(Session session, Key key) {
			record();
			return false;
		}

		private void record() {
			try {
				// Thread.isVirtual() exists from Java 21 on; this module compiles for 17
				boolean isVirtual = (boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
				this.virtual &= isVirtual;
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
