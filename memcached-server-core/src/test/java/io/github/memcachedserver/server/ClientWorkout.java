package io.github.memcachedserver.server;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What the real-client workouts share: one server per class, so every test writes keys
 * prefixed with its own name and cannot see another test's items.
 */
abstract class ClientWorkout {

	private String prefix;

	@BeforeEach
	void keyPrefix(TestInfo info) {
		this.prefix = info.getTestMethod().orElseThrow().getName() + ":";
	}

	String key(String name) {
		return this.prefix + name;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String string(byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

}
