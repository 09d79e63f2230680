package io.github.memcachedserver.autoconfigure;

import java.time.Duration;

import io.github.memcachedserver.autoconfigure.health.MemcachedServerHealthContributorAutoConfiguration;
import io.github.memcachedserver.autoconfigure.health.MemcachedServerHealthIndicator;
import io.github.memcachedserver.autoconfigure.metrics.MemcachedServerMetricsAutoConfiguration;
import io.github.memcachedserver.handler.Entry;
import io.github.memcachedserver.handler.Item;
import io.github.memcachedserver.handler.Key;
import io.github.memcachedserver.handler.KeyValueHandler;
import io.github.memcachedserver.handler.MemcachedCommandHandler;
import io.github.memcachedserver.handler.Session;
import io.github.memcachedserver.handler.StoreResult;
import io.github.memcachedserver.metrics.MemcachedServerMetrics;
import io.github.memcachedserver.routing.PrefixRoutingHandler;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.Transport;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MemcachedServerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemcachedServerAutoConfiguration.class,
				MemcachedServerHealthContributorAutoConfiguration.class, MemcachedServerMetricsAutoConfiguration.class))
		.withPropertyValues("memcached.server.listen=127.0.0.1:0");

	@Test
	void servesEveryKeyFromTheBuiltInStoreWithoutHandlers() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(MemcachedServer.class)
				.hasSingleBean(ConcurrentMapMemcachedStore.class)
				.hasSingleBean(MemcachedServerLifecycle.class);
			assertThat(context.getBean(MemcachedServer.class).handler())
				.isSameAs(context.getBean(ConcurrentMapMemcachedStore.class));
			assertThat(context.getBean(MemcachedServer.class).isRunning()).isTrue();
			assertThat(context.getEnvironment().getProperty(MemcachedServerLifecycle.LOCAL_PORT_PROPERTY, Integer.class))
				.isEqualTo(context.getBean(MemcachedServer.class).port());
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "io-uring", "io_uring", "epoll" })
	void bindsATransportByItsNameAndRunsOnIt(String name) {
		Transport transport = name.equals("epoll") ? Transport.EPOLL : Transport.IO_URING;
		assumeTrue((transport == Transport.EPOLL) ? Epoll.isAvailable() : IoUring.isAvailable());
		this.contextRunner.withPropertyValues("memcached.server.transport=" + name)
			.run((context) -> assertThat(context.getBean(MemcachedServer.class).transport()).isEqualTo(transport));
	}

	@Test
	void aSingleHandlerWithoutPrefixServesEveryKey() {
		this.contextRunner.withUserConfiguration(CatchAllHandlerConfiguration.class).run((context) -> {
			MemcachedCommandHandler root = context.getBean(MemcachedServer.class).handler();
			assertThat(root).isSameAs(context.getBean("catchAll"));
			assertThat(context.getBean(MemcachedHandlerRegistry.class).fallbackBean()).isEqualTo("catchAll");
		});
	}

	@Test
	void prefixedHandlersGetTheirKeysAndTheStoreTheRest() {
		this.contextRunner.withUserConfiguration(PrefixedHandlersConfiguration.class).run((context) -> {
			PrefixRoutingHandler root = (PrefixRoutingHandler) context.getBean(MemcachedServer.class).handler();
			assertThat(root.handlerFor(Key.of("user:1"))).isSameAs(context.getBean("users"));
			assertThat(root.handlerFor(Key.of("user:vip:1"))).isSameAs(context.getBean("vips"));
			assertThat(root.handlerFor(Key.of("other"))).isSameAs(context.getBean(ConcurrentMapMemcachedStore.class));
			assertThat(context.getBean(MemcachedHandlerRegistry.class).routeBeans())
				.containsEntry("user:", "users")
				.containsEntry("user:vip:", "vips");
		});
	}

	@Test
	void keyValueHandlersAreAdaptedToTheFullContract() {
		this.contextRunner.withUserConfiguration(KeyValueHandlerConfiguration.class).run((context) -> {
			MemcachedCommandHandler root = context.getBean(MemcachedServer.class).handler();
			Session session = new Session(1, null, null);
			assertThat(root.add(session, Key.of("k"), new Entry(new byte[] { 1 }, 0, 0)).block().status())
				.isEqualTo(StoreResult.Status.STORED);
			Item item = root.get(session, Key.of("k")).block();
			assertThat(item.value()).containsExactly(1);
		});
	}

	@Test
	void twoHandlersClaimingTheSamePrefixFailStartupNamingBoth() {
		this.contextRunner.withUserConfiguration(ConflictingHandlersConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'first'")
				.hasMessageContaining("'second'")
				.hasMessageContaining("'user:'");
		});
	}

	@Test
	void twoCatchAllHandlersFailStartupNamingBoth() {
		this.contextRunner.withUserConfiguration(CatchAllHandlerConfiguration.class, SecondCatchAllConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("'catchAll'")
					.hasMessageContaining("'anotherCatchAll'");
			});
	}

	@Test
	void userDefinedBeansBackOff() {
		this.contextRunner.withUserConfiguration(CustomStoreConfiguration.class).run((context) -> {
			assertThat(context).getBeanNames(ConcurrentMapMemcachedStore.class).containsExactly("customStore");
			assertThat(context.getBean(MemcachedServer.class).handler()).isSameAs(context.getBean("customStore"));
		});
	}

	@Test
	void bindsProperties() {
		this.contextRunner
			.withPropertyValues("memcached.server.max-connections=7", "memcached.server.threads=1",
					"memcached.server.idle-timeout=30s", "memcached.server.handler-timeout=2s",
					"memcached.server.max-item-size=2MB", "memcached.server.store.memory-limit=16MB",
					"memcached.server.max-in-flight-commands=4", "memcached.server.transport=nio",
					"memcached.server.stats-detail-delimiter=/")
			.run((context) -> {
				MemcachedServerProperties properties = context.getBean(MemcachedServerProperties.class);
				assertThat(properties.getMaxConnections()).isEqualTo(7);
				assertThat(context.getBean(MemcachedServer.class).stats("settings")).containsEntry("stat_key_prefix", "/")
					.containsEntry("detail_enabled", "yes");
				assertThat(context.getBean(MemcachedServer.class).transport()).isEqualTo(Transport.NIO);
				assertThat(context.getBean(MemcachedServer.class).isRunning()).isTrue();
				assertThat(properties.getIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(context.getBean(ConcurrentMapMemcachedStore.class).memoryLimit()).isEqualTo(16L * 1024 * 1024);
				assertThat(context.getBean(ConcurrentMapMemcachedStore.class).maxItemSize()).isEqualTo(2 * 1024 * 1024);
			});
	}

	@Test
	void listensOnSeveralAddresses() {
		this.contextRunner.withPropertyValues("memcached.server.listen=127.0.0.1:0,[::1]:0").run((context) -> {
			assertThat(context.getBean(MemcachedServer.class).boundAddresses()).hasSize(2);
		});
	}

	@Test
	void isDisabledByProperty() {
		this.contextRunner.withPropertyValues("memcached.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MemcachedServer.class)
				.doesNotHaveBean(ConcurrentMapMemcachedStore.class));
	}

	@Test
	void invalidPropertiesFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("memcached.server.max-connections=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("memcached.server.max-connections");
		});
		this.contextRunner.withPropertyValues("memcached.server.listen=127.0.0.1:notaport").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("memcached.server.listen[0]");
		});
		this.contextRunner.withPropertyValues("memcached.server.store.memory-limit=10KB").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("memcached.server.store.memory-limit");
		});
		this.contextRunner.withPropertyValues("memcached.server.unix-socket-mode=0800").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("memcached.server.unix-socket-mode");
		});
		this.contextRunner.withPropertyValues("memcached.server.stats-detail-delimiter=\u20ac").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("memcached.server.stats-detail-delimiter");
		});
		this.contextRunner.withPropertyValues("memcached.server.blocking.threads=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("memcached.server.blocking.threads");
		});
	}

	@Test
	void anAddressInUseFailsStartupNamingIt() throws Exception {
		try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
			this.contextRunner.withPropertyValues("memcached.server.listen=127.0.0.1:" + taken.getLocalPort())
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure())
						.hasStackTraceContaining("Could not listen on 127.0.0.1:" + taken.getLocalPort());
				});
		}
	}

	@Test
	void healthAndMetricsAppearWithActuator() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class)).run((context) -> {
			assertThat(context).hasSingleBean(MemcachedServerHealthIndicator.class)
				.hasSingleBean(MemcachedServerMetrics.class);
			assertThat(context.getBean(MemcachedServerHealthIndicator.class).health(true).getStatus().getCode())
				.isEqualTo("UP");
			assertThat(context.getBean(MeterRegistry.class).find("memcached.server.connections.active").gauge())
				.isNotNull();
		});
	}

	@Test
	void healthAndMetricsBackOffWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(MemcachedServer.class)
				.doesNotHaveBean(MemcachedServerHealthIndicator.class)
				.doesNotHaveBean(MemcachedServerMetrics.class));
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.memcached.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MemcachedServerHealthIndicator.class));
	}

	static class StubHandler implements MemcachedCommandHandler {

		@Override
		public Mono<Item> get(Session session, Key key) {
			return Mono.empty();
		}

		@Override
		public Mono<StoreResult> set(Session session, Key key, Entry entry) {
			return Mono.just(StoreResult.STORED);
		}

		@Override
		public Mono<Boolean> delete(Session session, Key key) {
			return Mono.just(false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CatchAllHandlerConfiguration {

		@Bean
		@MemcachedHandler
		StubHandler catchAll() {
			return new StubHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondCatchAllConfiguration {

		@Bean
		@MemcachedHandler
		StubHandler anotherCatchAll() {
			return new StubHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrefixedHandlersConfiguration {

		@Bean
		@MemcachedHandler(prefix = "user:")
		StubHandler users() {
			return new StubHandler();
		}

		@Bean
		@MemcachedHandler("user:vip:")
		StubHandler vips() {
			return new StubHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConflictingHandlersConfiguration {

		@Bean
		@MemcachedHandler(prefix = "user:")
		StubHandler first() {
			return new StubHandler();
		}

		@Bean
		@MemcachedHandler(prefix = "user:")
		StubHandler second() {
			return new StubHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class KeyValueHandlerConfiguration {

		@Bean
		@MemcachedHandler
		KeyValueHandler values() {
			java.util.Map<Key, byte[]> map = new java.util.concurrent.ConcurrentHashMap<>();
			return new KeyValueHandler() {

				@Override
				public Mono<byte[]> get(Session session, Key key) {
					return Mono.justOrEmpty(map.get(key));
				}

				@Override
				public Mono<Void> set(Session session, Key key, byte[] value) {
					return Mono.fromRunnable(() -> map.put(key, value));
				}

				@Override
				public Mono<Boolean> delete(Session session, Key key) {
					return Mono.fromSupplier(() -> map.remove(key) != null);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomStoreConfiguration {

		@Bean
		ConcurrentMapMemcachedStore customStore() {
			return ConcurrentMapMemcachedStore.builder().memoryLimit(1024 * 1024).build();
		}

	}

}
