package io.github.memcachedserver.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks {@link MemcachedServerProperties} so that a bad value fails startup with a message
 * naming the property, rather than surfacing later from the server.
 */
final class MemcachedPropertiesValidator {

	private static final DataSize MIN_ITEM_SIZE = DataSize.ofKilobytes(1);

	private static final DataSize MAX_ITEM_SIZE = DataSize.ofMegabytes(1024);

	private static final DataSize MIN_OUTBOUND_BUFFER = DataSize.ofKilobytes(1);

	private static final DataSize MAX_OUTBOUND_BUFFER = DataSize.ofMegabytes(1024);

	private MemcachedPropertiesValidator() {
	}

	static void validate(MemcachedServerProperties properties) {
		if (properties.getListen().isEmpty()) {
			throw invalid("memcached.server.listen", "[]", "at least one address is required");
		}
		positive("memcached.server.max-connections", properties.getMaxConnections());
		positive("memcached.server.threads", properties.getThreads());
		positive("memcached.server.max-in-flight-commands", properties.getMaxInFlightCommands());
		notNegative("memcached.server.idle-timeout", properties.getIdleTimeout());
		notNegative("memcached.server.handler-timeout", properties.getHandlerTimeout());
		notNegative("memcached.server.outbound-stall-timeout", properties.getOutboundStallTimeout());
		DataSize outboundBuffer = properties.getMaxOutboundBuffer();
		if (outboundBuffer.compareTo(MIN_OUTBOUND_BUFFER) < 0 || outboundBuffer.compareTo(MAX_OUTBOUND_BUFFER) > 0) {
			throw invalid("memcached.server.max-outbound-buffer", outboundBuffer, "must be between 1KB and 1024MB");
		}
		DataSize itemSize = properties.getMaxItemSize();
		if (itemSize.compareTo(MIN_ITEM_SIZE) < 0 || itemSize.compareTo(MAX_ITEM_SIZE) > 0) {
			throw invalid("memcached.server.max-item-size", itemSize, "must be between 1KB and 1024MB");
		}
		unixSocketMode(properties.getUnixSocketMode());
		Character delimiter = properties.getStatsDetailDelimiter();
		if (delimiter != null && (delimiter == 0 || delimiter > 0xff)) {
			throw invalid("memcached.server.stats-detail-delimiter", delimiter,
					"must be one byte (U+0001 to U+00FF)");
		}
		DataSize pendingValues = properties.getMaxPendingValues();
		if (pendingValues.compareTo(itemSize) < 0) {
			throw invalid("memcached.server.max-pending-values", pendingValues,
					"must be at least memcached.server.max-item-size (" + itemSize + ")");
		}
		positive("memcached.server.blocking.threads", properties.getBlocking().getThreads());
		positive("memcached.server.blocking.queue-size", properties.getBlocking().getQueueSize());
		DataSize memoryLimit = properties.getStore().getMemoryLimit();
		if (memoryLimit.compareTo(itemSize) < 0) {
			throw invalid("memcached.server.store.memory-limit", memoryLimit,
					"must be at least memcached.server.max-item-size (" + itemSize + ")");
		}
	}

	/**
	 * Reads a unix socket mode in octal, as memcached's {@code -a} takes it.
	 * @return the permission bits
	 */
	static int unixSocketMode(String mode) {
		if (!mode.matches("0?[0-7]{1,3}")) {
			throw invalid("memcached.server.unix-socket-mode", mode, "must be octal permission bits, e.g. 0700");
		}
		return Integer.parseInt(mode, 8);
	}

	private static void positive(String property, int value) {
		if (value < 1) {
			throw invalid(property, value, "must be positive");
		}
	}

	private static void notNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw invalid(property, value, "must not be negative");
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String property, Object value, String reason) {
		return new InvalidConfigurationPropertyValueException(property, value, reason);
	}

}
