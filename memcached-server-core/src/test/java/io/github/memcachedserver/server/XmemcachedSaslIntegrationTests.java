package io.github.memcachedserver.server;

import java.util.Map;

import io.github.memcachedserver.auth.InMemoryAuthenticator;
import net.rubyeye.xmemcached.auth.AuthInfo;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole xmemcached binary workout again, on a server that requires authentication:
 * the client logs in with SASL PLAIN.
 */
class XmemcachedSaslIntegrationTests extends XmemcachedBinaryIntegrationTests {

	// hides the superclass's start: JUnit then runs only this one
	@BeforeAll
	static void start() {
		target = BinaryTestTarget.start(InMemoryAuthenticator.of(Map.of("app", "s3cret")));
		client = TestClients.xmemcachedSasl(target.port(), AuthInfo.plain("app", "s3cret"));
	}

}
