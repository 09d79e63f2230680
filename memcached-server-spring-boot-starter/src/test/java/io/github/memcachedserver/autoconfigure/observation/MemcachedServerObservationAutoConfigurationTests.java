package io.github.memcachedserver.autoconfigure.observation;

import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.autoconfigure.MemcachedServerCustomizer;
import io.github.memcachedserver.observation.DefaultMemcachedObservationConvention;
import io.github.memcachedserver.observation.MemcachedObservationConvention;
import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class MemcachedServerObservationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemcachedServerAutoConfiguration.class,
				MemcachedServerObservationAutoConfiguration.class))
		.withPropertyValues("memcached.server.listen=127.0.0.1:0");

	@Test
	void everyCommandIsObservedWithTheApplicationsRegistry() {
		this.contextRunner.withBean(ObservationRegistry.class, TestObservationRegistry::create).run((context) -> {
			get(context.getBean(MemcachedServer.class).port(), "absent");
			assertThat((TestObservationRegistry) context.getBean(ObservationRegistry.class)).hasSingleObservationThat()
				.hasNameEqualTo("memcached.server.commands")
				.hasLowCardinalityKeyValue("outcome", "miss");
		});
	}

	@Test
	void aConventionBeanRenamesTheObservation() {
		this.contextRunner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.withBean(MemcachedObservationConvention.class, () -> new DefaultMemcachedObservationConvention() {
				@Override
				public String getName() {
					return "cache.server.requests";
				}
			})
			.run((context) -> {
				get(context.getBean(MemcachedServer.class).port(), "absent");
				assertThat((TestObservationRegistry) context.getBean(ObservationRegistry.class))
					.hasSingleObservationThat()
					.hasNameEqualTo("cache.server.requests");
			});
	}

	@Test
	void springBootsObservationPropertiesApply() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.withPropertyValues("management.observations.enable.memcached=false")
			.run((context) -> {
				get(context.getBean(MemcachedServer.class).port(), "absent");
				assertThat((TestObservationRegistry) context.getBean(ObservationRegistry.class))
					.doesNotHaveAnyObservation();
			});
	}

	@Test
	void backsOffWithoutARegistry() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(MemcachedServer.class)
			.doesNotHaveBean(MemcachedServerCustomizer.class));
	}

	private static void get(int port, String key) {
		try (MemcachedTestClient client = MemcachedTestClient.connect(port)) {
			assertThat(client.get(key)).isNull();
		}
	}

}
