package io.github.memcachedserver.autoconfigure.store;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the application has no Hazelcast file of its own for Spring Boot to load
 * ({@code spring.hazelcast.config}, the {@code hazelcast.config} system property, or a
 * {@code hazelcast.xml}/{@code .yaml}/{@code .yml} in the working directory or on the classpath).
 */
class NoHazelcastConfigFile extends SpringBootCondition {

	private static final String[] LOCATIONS = { "file:./hazelcast.xml", "classpath:/hazelcast.xml",
			"file:./hazelcast.yaml", "classpath:/hazelcast.yaml", "file:./hazelcast.yml", "classpath:/hazelcast.yml" };

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (context.getEnvironment().containsProperty("spring.hazelcast.config")
				|| System.getProperty("hazelcast.config") != null) {
			return ConditionOutcome.noMatch("a Hazelcast configuration file is set");
		}
		for (String location : LOCATIONS) {
			if (context.getResourceLoader().getResource(location).exists()) {
				return ConditionOutcome.noMatch("found " + location);
			}
		}
		return ConditionOutcome.match("no Hazelcast configuration file");
	}

}
