package io.varve;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test sets to any instant or moves by any amount, also back in time, as a wall
 * clock can go.
 */
public final class SettableClock extends Clock {

	private volatile Instant now;

	/** A clock at 2025-01-01T00:00:00Z. */
	public SettableClock() {
		this(Instant.parse("2025-01-01T00:00:00Z"));
	}

	public SettableClock(Instant now) {
		this.now = now;
	}

	public synchronized void set(Instant instant) {
		this.now = instant;
	}

	public synchronized void advance(Duration duration) {
		this.now = this.now.plus(duration);
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
		return this.now;
	}

}
