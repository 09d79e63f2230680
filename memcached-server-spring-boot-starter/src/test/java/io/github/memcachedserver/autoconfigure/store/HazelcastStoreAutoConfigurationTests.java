package io.github.memcachedserver.autoconfigure.store;

import java.net.InetSocketAddress;
import java.util.UUID;

import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.hazelcast.HazelcastMemcachedStore;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class HazelcastStoreAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemcachedServerAutoConfiguration.class,
				HazelcastStoreAutoConfiguration.class, HazelcastAutoConfiguration.class))
		.withPropertyValues("memcached.server.listen=127.0.0.1:0");

	@Test
	void theDefaultStoreNeitherStartsNorNeedsHazelcast() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ConcurrentMapMemcachedStore.class)
			.doesNotHaveBean(HazelcastInstance.class)
			.doesNotHaveBean(HazelcastMemcachedStore.class));
		this.contextRunner.withClassLoader(new FilteredClassLoader("com.hazelcast"))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ConcurrentMapMemcachedStore.class));
	}

	@Test
	void theHazelcastStoreServesEveryKeyFromAMemberConfiguredFromTheProperties() {
		String cluster = "autoconfigure-" + UUID.randomUUID();
		this.contextRunner
			.withPropertyValues("memcached.server.store.type=hazelcast", "memcached.server.store.memory-limit=16MB",
					"memcached.server.store.hazelcast.cluster-name=" + cluster,
					"memcached.server.store.hazelcast.port=5901")
			.run((context) -> {
				assertThat(context).hasSingleBean(HazelcastMemcachedStore.class)
					.doesNotHaveBean(ConcurrentMapMemcachedStore.class);
				MemcachedServer server = context.getBean(MemcachedServer.class);
				assertThat(server.handler()).isSameAs(context.getBean(HazelcastMemcachedStore.class));
				HazelcastInstance hazelcast = context.getBean(HazelcastInstance.class);
				assertThat(hazelcast.getConfig().getClusterName()).isEqualTo(cluster);
				assertThat(hazelcast.getConfig().getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
				assertThat(hazelcast.getConfig().getMapConfig("memcached").getEvictionConfig())
					.satisfies((eviction) -> {
						assertThat(eviction.getMaxSizePolicy()).isEqualTo(MaxSizePolicy.USED_HEAP_SIZE);
						assertThat(eviction.getSize()).isEqualTo(16);
					});
				MemcachedClient client = new MemcachedClient(new InetSocketAddress("127.0.0.1", server.port()));
				try {
					assertThat(client.set("greeting", 0, "hello").get()).isTrue();
					assertThat(client.get("greeting")).isEqualTo("hello");
					assertThat(hazelcast.getMap("memcached").containsKey("greeting")).isTrue();
				}
				finally {
					client.shutdown();
				}
			});
	}

	@Test
	void theHazelcastStoreWithoutItsModuleFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("memcached.server.store.type=hazelcast")
			.withClassLoader(new FilteredClassLoader(HazelcastMemcachedStore.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("memcached.server.store.type")
				.hasMessageContaining("memcached-server-hazelcast"));
	}

}
