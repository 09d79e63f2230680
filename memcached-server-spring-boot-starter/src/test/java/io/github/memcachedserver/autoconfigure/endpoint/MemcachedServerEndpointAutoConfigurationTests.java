package io.github.memcachedserver.autoconfigure.endpoint;

import io.github.memcachedserver.autoconfigure.MemcachedServerAutoConfiguration;
import io.github.memcachedserver.server.MemcachedServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.convert.support.ConfigurableConversionService;

import static org.assertj.core.api.Assertions.assertThat;

class MemcachedServerEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemcachedServerAutoConfiguration.class,
				MemcachedServerEndpointAutoConfiguration.class))
		.withPropertyValues("memcached.server.listen=127.0.0.1:0");

	@Test
	void theEndpointIsThereOnceExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=memcached")
			.run((context) -> assertThat(context).hasSingleBean(MemcachedServerEndpoint.class));
	}

	@Test
	void likeEveryEndpointButHealthItIsNotExposedByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(MemcachedServerEndpoint.class));
	}

	@Test
	void noAccessTurnsItOff() {
		this.contextRunner
			// as in an application: Spring Boot's conversions read "none" as Access.NONE
			.withInitializer((context) -> context.getEnvironment()
				.setConversionService((ConfigurableConversionService) ApplicationConversionService.getSharedInstance()))
			.withPropertyValues("management.endpoints.web.exposure.include=memcached",
					"management.endpoint.memcached.access=none")
			.run((context) -> assertThat(context).doesNotHaveBean(MemcachedServerEndpoint.class));
	}

	@Test
	void backsOffWithoutTheActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=memcached")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MemcachedServerEndpoint.class));
	}

	@Test
	void aUsersEndpointWins() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=memcached")
			.withBean("custom", MemcachedServerEndpoint.class,
					() -> new MemcachedServerEndpoint(MemcachedServer.builder().build()))
			.run((context) -> assertThat(context).hasSingleBean(MemcachedServerEndpoint.class).hasBean("custom"));
	}

}
