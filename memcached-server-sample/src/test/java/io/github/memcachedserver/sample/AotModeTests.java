package io.github.memcachedserver.sample;

import io.github.memcachedserver.server.MemcachedServer;
import io.github.memcachedserver.test.MemcachedTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.SpringProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as Spring Boot's ahead-of-time processing leaves it (the build's
 * {@code process-aot} step, what a native image starts from): its bean definitions are
 * generated code, and it serves memcached and its products from them.
 */
class AotModeTests {

	@Test
	void theProcessedApplicationServesMemcached() throws Exception {
		SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
		SpringApplication application = new SpringApplication(SampleMemcachedApplication.class);
		// the generated initializer is found next to the main class, which a test runner is not
		application.setMainApplicationClass(SampleMemcachedApplication.class);
		try (ConfigurableApplicationContext context = application.run("--memcached.server.listen=127.0.0.1:0",
				"--server.port=0")) {
			assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
			RootBeanDefinition server = (RootBeanDefinition) context.getBeanFactory()
				.getMergedBeanDefinition("memcachedServer");
			assertThat(server.getInstanceSupplier())
				.as("a bean made by the generated code, not by reflection on the auto-configuration")
				.isNotNull();
			try (MemcachedTestClient client = MemcachedTestClient.connect(context.getBean(MemcachedServer.class).port())) {
				assertThat(client.store("set", "aot", "yes")).isEqualTo("STORED");
				assertThat(client.send("get aot\r\n")).containsExactly("VALUE aot 0 3", "yes", "END");
				assertThat(client.send("get product:1\r\n")).hasSize(3).startsWith("VALUE product:1 0 43");
			}
		}
		finally {
			SpringProperties.setProperty(AotDetector.AOT_ENABLED, null);
		}
	}

}
