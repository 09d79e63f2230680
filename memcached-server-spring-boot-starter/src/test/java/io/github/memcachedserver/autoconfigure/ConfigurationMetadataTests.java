package io.github.memcachedserver.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.jayway.jsonpath.JsonPath;
import io.github.memcachedserver.autoconfigure.store.HazelcastStoreProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapperImpl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that the processor generates into the starter's jar (what IDEs
 * show when completing {@code memcached.server.*}): every property is described, and every
 * property with a fixed default tells it.
 */
class ConfigurationMetadataTests {

	/** Defaults that depend on the machine (its processors), told in the description instead. */
	private static final Set<String> MACHINE_DEPENDENT = Set.of("memcached.server.threads",
			"memcached.server.blocking.threads");

	/** Each properties class by its prefix, the longest first: their defaults are read from new instances. */
	private static final Map<String, Supplier<Object>> PROPERTIES_CLASSES = new LinkedHashMap<>();

	static {
		PROPERTIES_CLASSES.put("memcached.server.store.hazelcast.", HazelcastStoreProperties::new);
		PROPERTIES_CLASSES.put("memcached.server.", MemcachedServerProperties::new);
	}

	private static List<Map<String, Object>> properties;

	@BeforeAll
	static void readGeneratedMetadata() throws IOException {
		URL ours = Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))
			.stream()
			.filter((url) -> url.getPath().contains("memcached-server-spring-boot-starter/target/classes"))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The configuration processor generated no metadata"));
		try (InputStream in = ours.openStream()) {
			properties = JsonPath.parse(in).read("$.properties");
		}
	}

	@Test
	void everyPropertyIsThere() {
		assertThat(properties).extracting((property) -> property.get("name"))
			.contains("memcached.server.listen", "memcached.server.store.memory-limit",
					"memcached.server.ssl.bundle", "management.health.memcached.enabled",
					"management.endpoint.memcached.access");
	}

	@Test
	void everyPropertyHasADescription() {
		assertThat(properties).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as((String) property.get("name"))
			.isNotBlank());
	}

	@Test
	void everyPropertyWithAFixedDefaultTellsIt() {
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			String prefix = PROPERTIES_CLASSES.keySet().stream().filter(name::startsWith).findFirst().orElse(null);
			if (prefix == null || MACHINE_DEPENDENT.contains(name)) {
				continue;
			}
			BeanWrapperImpl defaults = new BeanWrapperImpl(PROPERTIES_CLASSES.get(prefix).get());
			Object value = defaults.getPropertyValue(javaPath(name.substring(prefix.length())));
			if (value != null && !isEmpty(value)) {
				assertThat(property.containsKey("defaultValue")).as("%s has a default (%s) the metadata does not tell", name, value)
					.isTrue();
			}
		}
		assertThat(MACHINE_DEPENDENT).allSatisfy((name) -> assertThat(properties)
			.filteredOn((property) -> property.get("name").equals(name))
			.singleElement()
			.satisfies((property) -> assertThat((String) property.get("description")).contains("Defaults to")));
	}

	/** {@code store.memory-limit} to {@code store.memoryLimit}. */
	private static String javaPath(String kebab) {
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

	private static boolean isEmpty(Object value) {
		return (value instanceof Collection<?> collection && collection.isEmpty())
				|| (value instanceof Map<?, ?> map && map.isEmpty());
	}

}
