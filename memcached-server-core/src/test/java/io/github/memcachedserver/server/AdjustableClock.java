package io.github.memcachedserver.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move forward by hand, so expiry can be proved without sleeping.
 */
final class AdjustableClock extends Clock {

	private final AtomicReference<Instant> now;

	AdjustableClock(Instant start) {
		this.now = new AtomicReference<>(start);
	}

	/**
	 * Starts at a fixed, realistic wall-clock time (well past 30 days after the epoch, so
	 * relative and absolute exptimes cannot be confused).
	 */
	static AdjustableClock startingNow() {
		return new AdjustableClock(Instant.now().plusSeconds(86_400).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
	}

	void advance(Duration duration) {
		this.now.updateAndGet((instant) -> instant.plus(duration));
	}

	void advanceSeconds(long seconds) {
		advance(Duration.ofSeconds(seconds));
	}

	long epochSecond() {
		return this.now.get().getEpochSecond();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.now.get();
	}

	@Override
	public long millis() {
		return this.now.get().toEpochMilli();
	}

}
