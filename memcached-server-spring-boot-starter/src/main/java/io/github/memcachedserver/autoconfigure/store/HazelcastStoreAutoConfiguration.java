package io.github.memcachedserver.autoconfigure.store;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.github.memcachedserver.autoconfigure.MemcachedHandlerRegistry;
import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.autoconfigure.MemcachedServerProperties;
import io.github.memcachedserver.hazelcast.HazelcastMemcachedStore;
import io.github.memcachedserver.hazelcast.HazelcastStoreConfig;
import reactor.core.scheduler.Scheduler;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Serves memcached from a Hazelcast map that every instance of the application shares, when
 * {@code memcached.server.store.type=hazelcast}. Spring Boot's Hazelcast auto-configuration
 * makes the member: from the application's own {@code Config} bean or Hazelcast file if it has
 * one (the item map's configuration is added when missing), else from a configuration made
 * here that joins the members of {@code memcached.server.store.hazelcast.members} over TCP/IP.
 * With the default store none of this applies and Hazelcast is not started.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = { MemcachedServerAutoConfiguration.class, HazelcastAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "memcached.server.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "memcached.server.store.type", havingValue = "hazelcast")
@ConditionalOnClass({ HazelcastInstance.class, HazelcastMemcachedStore.class, HazelcastAutoConfiguration.class })
@EnableConfigurationProperties({ MemcachedServerProperties.class, HazelcastStoreProperties.class })
public final class HazelcastStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean({ Config.class, HazelcastInstance.class })
	@Conditional(NoHazelcastConfigFile.class)
	Config memcachedHazelcastConfig(HazelcastStoreProperties hazelcast, MemcachedServerProperties properties) {
		Config config = HazelcastStoreConfig.tcpCluster(hazelcast.getClusterName(), hazelcast.getPort(),
				hazelcast.getMembers());
		return HazelcastStoreConfig.withItemMap(config, hazelcast.getMapName(),
				properties.getStore().getMemoryLimit().toBytes());
	}

	/** Adds the item map's configuration to one Boot loads from a Hazelcast file. */
	@Bean
	HazelcastConfigCustomizer memcachedItemMapCustomizer(HazelcastStoreProperties hazelcast,
			MemcachedServerProperties properties) {
		return (config) -> HazelcastStoreConfig.withItemMap(config, hazelcast.getMapName(),
				properties.getStore().getMemoryLimit().toBytes());
	}

	@Bean(MemcachedServerAutoConfiguration.STORE_BEAN_NAME)
	@ConditionalOnMissingBean
	HazelcastMemcachedStore memcachedStore(HazelcastInstance hazelcastInstance, HazelcastStoreProperties hazelcast,
			MemcachedServerProperties properties) {
		return new HazelcastMemcachedStore(hazelcastInstance, hazelcast.getMapName(),
				(int) properties.getMaxItemSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	MemcachedHandlerRegistry memcachedHandlerRegistry(ListableBeanFactory beanFactory, HazelcastMemcachedStore store,
			@Qualifier(MemcachedServerAutoConfiguration.BLOCKING_SCHEDULER_BEAN_NAME) Scheduler blockingScheduler) {
		return MemcachedHandlerRegistry.from(beanFactory, store, MemcachedServerAutoConfiguration.STORE_BEAN_NAME,
				blockingScheduler);
	}

}
