package io.github.memcachedserver.conformance;

/**
 * A server a script can be run against, fresh for every case.
 */
interface TargetServer extends AutoCloseable {

	int port();

	@Override
	void close();

}
