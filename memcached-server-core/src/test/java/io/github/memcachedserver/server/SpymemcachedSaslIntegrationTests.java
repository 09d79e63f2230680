package io.github.memcachedserver.server;

import java.util.Map;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import net.spy.memcached.auth.AuthDescriptor;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole spymemcached binary workout again, on a server that requires authentication:
 * the client logs in with its {@code typical} credentials, which pick SASL CRAM-MD5.
 */
class SpymemcachedSaslIntegrationTests extends SpymemcachedBinaryIntegrationTests {

	// hides the superclass's start: JUnit then runs only this one
	@BeforeAll
	static void start() {
		target = BinaryTestTarget.start(InMemoryAuthenticator.of(Map.of("app", "s3cret")));
		client = TestClients.spymemcachedSasl(target.port(), AuthDescriptor.typical("app", "s3cret"));
	}

}
