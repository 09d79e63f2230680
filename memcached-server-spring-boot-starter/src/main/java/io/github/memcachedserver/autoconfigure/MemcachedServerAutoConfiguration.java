package io.github.memcachedserver.autoconfigure;

import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLException;

import io.github.memcachedserver.auth.MemcachedAuthenticator;
import io.github.memcachedserver.server.ListenAddress;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.server.MemcachedServerBuilder;
import io.github.memcachedserver.store.ConcurrentMapMemcachedStore;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Auto-configuration of a memcached endpoint: the {@link MemcachedHandler @MemcachedHandler}
 * beans (or the built-in store) behind a {@link MemcachedServer} that starts and stops with
 * the application context.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "memcached.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MemcachedServerProperties.class)
public final class MemcachedServerAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(MemcachedServerAutoConfiguration.class);

	/** The name of the store bean, whichever store it is. */
	public static final String STORE_BEAN_NAME = "memcachedStore";

	/** The name of the scheduler that blocking handlers run on. */
	public static final String BLOCKING_SCHEDULER_BEAN_NAME = "memcachedBlockingScheduler";

	@Bean(STORE_BEAN_NAME)
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "memcached.server.store.type", havingValue = "built-in", matchIfMissing = true)
	ConcurrentMapMemcachedStore memcachedStore(MemcachedServerProperties properties) {
		MemcachedPropertiesValidator.validate(properties);
		return ConcurrentMapMemcachedStore.builder()
			.memoryLimit(properties.getStore().getMemoryLimit().toBytes())
			.maxItemSize((int) properties.getMaxItemSize().toBytes())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	MemcachedHandlerRegistry memcachedHandlerRegistry(ListableBeanFactory beanFactory,
			ObjectProvider<ConcurrentMapMemcachedStore> store, MemcachedServerProperties properties,
			@Qualifier(BLOCKING_SCHEDULER_BEAN_NAME) Scheduler blockingScheduler) {
		ConcurrentMapMemcachedStore builtIn = store.getIfAvailable();
		if (builtIn == null) {
			// another store type was chosen, and its auto-configuration did not apply
			throw new InvalidConfigurationPropertyValueException("memcached.server.store.type",
					properties.getStore().getType(),
					"this store needs memcached-server-hazelcast and spring-boot-hazelcast on the classpath");
		}
		return MemcachedHandlerRegistry.from(beanFactory, builtIn, STORE_BEAN_NAME, blockingScheduler);
	}

	/**
	 * Where handlers that block run: virtual threads when the application enables them,
	 * otherwise a bounded pool whose threads start only when first needed.
	 */
	@Bean(name = BLOCKING_SCHEDULER_BEAN_NAME, destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = BLOCKING_SCHEDULER_BEAN_NAME)
	Scheduler memcachedBlockingScheduler(MemcachedServerProperties properties, Environment environment) {
		if (Threading.VIRTUAL.isActive(environment)) {
			return Schedulers.fromExecutor(new VirtualThreadTaskExecutor("memcached-blocking-"));
		}
		MemcachedServerProperties.Blocking blocking = properties.getBlocking();
		return Schedulers.newBoundedElastic(blocking.getThreads(), blocking.getQueueSize(), "memcached-blocking");
	}

	@Bean
	@ConditionalOnMissingBean
	MemcachedServer memcachedServer(MemcachedServerProperties properties, MemcachedHandlerRegistry handlers,
			ObjectProvider<MemcachedAuthenticator> authenticator, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<MemcachedServerCustomizer> customizers) {
		MemcachedPropertiesValidator.validate(properties);
		MemcachedServerBuilder builder = MemcachedServer.builder()
			.handler(handlers.rootHandler())
			.maxConnections(properties.getMaxConnections())
			.threads(properties.getThreads())
			.idleTimeout(properties.getIdleTimeout())
			.handlerTimeout(properties.getHandlerTimeout())
			.maxInFlightCommands(properties.getMaxInFlightCommands())
			.maxOutboundBytes((int) properties.getMaxOutboundBuffer().toBytes())
			.outboundStallTimeout(properties.getOutboundStallTimeout())
			.flushAllEnabled(properties.isFlushAllEnabled())
			.statsEnabled(properties.isStatsEnabled())
			.verbosityEnabled(properties.isVerbosityEnabled())
			.transport(properties.getTransport())
			.unixSocketMode(MemcachedPropertiesValidator.unixSocketMode(properties.getUnixSocketMode()))
			.maxPendingValueBytes(properties.getMaxPendingValues().toBytes())
			.exitOnOutOfMemory(properties.isExitOnOutOfMemory())
			.maxItemSize((int) properties.getMaxItemSize().toBytes())
			// an authenticator bean wins over configured users
			.authenticator(authenticator.getIfAvailable(() -> ConfiguredUsers.authenticator(properties.getAuth())))
			.tls(tls(properties.getSsl(), sslBundles));
		if (properties.getStatsDetailDelimiter() != null) {
			builder.statsDetail(properties.getStatsDetailDelimiter());
		}
		List<String> listen = properties.getListen();
		for (int i = 0; i < listen.size(); i++) {
			builder.listen(parse("memcached.server.listen[" + i + "]", listen.get(i)));
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		MemcachedServer server = builder.build();
		reloadTlsOnBundleUpdates(server, properties.getSsl(), sslBundles);
		return server;
	}

	@Bean
	@ConditionalOnMissingBean
	MemcachedServerLifecycle memcachedServerLifecycle(MemcachedServer server, ConfigurableEnvironment environment) {
		Duration shutdownTimeout = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase",
				Duration.class, Duration.ofSeconds(30));
		return new MemcachedServerLifecycle(server, environment, shutdownTimeout);
	}

	private static @Nullable SslContext tls(MemcachedServerProperties.Ssl ssl, ObjectProvider<SslBundles> sslBundles) {
		String name = ssl.getBundle();
		if (name == null) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException("memcached.server.ssl.bundle", name,
					"no SSL bundles are configured (spring.ssl.bundle.*)");
		}
		try {
			return SslBundleTls.serverContext(bundles.getBundle(name), ssl.getClientAuth());
		}
		catch (NoSuchSslBundleException | SSLException ex) {
			throw new InvalidConfigurationPropertyValueException("memcached.server.ssl.bundle", name, ex.getMessage());
		}
	}

	/**
	 * Follows a bundle that reloads its files ({@code reload-on-update}): new connections
	 * get the renewed certificate, open ones carry on.
	 */
	private static void reloadTlsOnBundleUpdates(MemcachedServer server, MemcachedServerProperties.Ssl ssl,
			ObjectProvider<SslBundles> sslBundles) {
		SslBundles bundles = sslBundles.getIfAvailable();
		if (ssl.getBundle() == null || bundles == null) {
			return;
		}
		bundles.addBundleUpdateHandler(ssl.getBundle(), (bundle) -> {
			try {
				server.updateTls(SslBundleTls.serverContext(bundle, ssl.getClientAuth()));
			}
			catch (SSLException | RuntimeException ex) {
				logger.error("Could not apply the updated SSL bundle '{}'; new connections keep the previous one",
						ssl.getBundle(), ex);
			}
		});
	}

	private static ListenAddress parse(String property, String value) {
		try {
			return ListenAddress.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, value, ex.getMessage());
		}
	}

}
