package io.github.memcachedserver.autoconfigure;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class GracefulShutdownIntegrationTests {

	private static final CountDownLatch firstRequestArrived = new CountDownLatch(1);

	@Test
	void pipelinedRequestsToASlowHandlerAreAllAnsweredBeforeTheSocketCloses() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("memcached.server.listen=127.0.0.1:0", "spring.lifecycle.timeout-per-shutdown-phase=20s")
			.run();
		int port = context.getBean(MemcachedServer.class).port();
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(15000);
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder();
			StringBuilder expected = new StringBuilder();
			for (int i = 0; i < 5; i++) {
				request.append("get slow:").append(i).append("\r\n");
				expected.append("VALUE slow:").append(i).append(" 0 1\r\n").append(i).append("\r\nEND\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(firstRequestArrived.await(10, TimeUnit.SECONDS)).isTrue();
			Thread closer = new Thread(context::close);
			closer.start();
			InputStream in = socket.getInputStream();
			byte[] answer = in.readAllBytes();
			closer.join(20000);
			assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
			assertThat(context.isActive()).isFalse();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		@MemcachedHandler(prefix = "slow:")
		MemcachedCommandHandler slowHandler() {
			return new MemcachedCommandHandler() {

				@Override
				public Mono<Item> get(Session session, Key key) {
					firstRequestArrived.countDown();
					String digit = key.toString().substring("slow:".length());
					return Mono.delay(Duration.ofMillis(300)).thenReturn(Item.of(digit.getBytes(StandardCharsets.US_ASCII)));
				}

				@Override
				public Mono<StoreResult> set(Session session, Key key, Entry entry) {
					return Mono.just(StoreResult.STORED);
				}

				@Override
				public Mono<Boolean> delete(Session session, Key key) {
					return Mono.just(false);
				}

			};
		}

	}

}
