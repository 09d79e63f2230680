package io.github.memcachedserver.observation;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.github.memcachedserver.observation.MemcachedObservationDocumentation.HighCardinalityKeyNames;
import io.github.memcachedserver.observation.MemcachedObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default names of a command's observation: {@code memcached.server.commands}, tagged
 * {@code protocol}, {@code command} and {@code outcome} (never keys or client addresses, so
 * meters stay bounded); the client's address goes to traces only. Its span is named after
 * the command, e.g. {@code memcached get}.
 *
 * @since 0.1.0
 */
public class DefaultMemcachedObservationConvention implements MemcachedObservationConvention {

	/** The shared instance. */
	public static final DefaultMemcachedObservationConvention INSTANCE = new DefaultMemcachedObservationConvention();

	/** The observation's name, and so the name of the timer it records. */
	public static final String NAME = "memcached.server.commands";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MemcachedObservationContext context) {
		return "memcached " + context.getCommand();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MemcachedObservationContext context) {
		return KeyValues.of(LowCardinalityKeyNames.PROTOCOL.withValue(context.getProtocol().value()),
				LowCardinalityKeyNames.COMMAND.withValue(context.getCommand()),
				LowCardinalityKeyNames.OUTCOME.withValue(context.getOutcome()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MemcachedObservationContext context) {
		SocketAddress client = context.getSession().remoteAddress();
		if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
			return KeyValues.of(HighCardinalityKeyNames.CLIENT_ADDRESS.withValue(inet.getAddress().getHostAddress()));
		}
		return KeyValues.empty();
	}

}
