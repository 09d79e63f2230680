package io.github.memcachedserver.sample;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the actuator on loopback when it gets a port of its own ({@code management.server.port})
 * and no address: Boot would bind every interface, and the health details (working directory,
 * disk, listeners, database) and metrics would be open to the network. An address given by the
 * user always wins. (With no port of its own, the actuator shares the application's server,
 * which listens on 127.0.0.1 already, and Boot refuses a management address.)
 *
 * @since 0.1.0
 */
public class ManagementOnLoopback implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE = "memcachedSampleManagementOnLoopback";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Integer managementPort = environment.getProperty("management.server.port", Integer.class);
		if (managementPort == null || managementPort < 0 || environment.containsProperty("management.server.address")) {
			return;
		}
		// Boot serves the actuator on the application's server when both ports are the same
		// (0 always means a port of its own)
		if (managementPort != 0 && managementPort.equals(environment.getProperty("server.port", Integer.class))) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of("management.server.address", "127.0.0.1")));
	}

	@Override
	public int getOrder() {
		// after the configuration files and the command line have been read
		return Ordered.LOWEST_PRECEDENCE;
	}

}
