package io.varve.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates time-ordered (version 7) UUIDs: 48 bits of Unix milliseconds, a 12-bit
 * counter, then 62 random bits. Ids are strictly increasing in the order they are made
 * (RFC 9562, section 6.2, method 1: the counter orders ids made in the same millisecond,
 * and a counter overflow borrows the next millisecond). The event-id index therefore
 * grows at its end: the writer puts ids with {@code MDB_APPEND} instead of searching and
 * splitting pages in half.
 */
final class EventIds {

	private static final long VERSION_7 = 0x7000L;

	private static final long COUNTER_MASK = 0x0fffL;

	/** The high 64 bits of the last id made. */
	private static final AtomicLong LAST_HIGH = new AtomicLong();

	private EventIds() {
	}

	static UUID next() {
		long now = (System.currentTimeMillis() << 16) | VERSION_7;
		long high = LAST_HIGH.updateAndGet((last) -> (now > last) ? now : increment(last));
		long low = (ThreadLocalRandom.current().nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
		return new UUID(high, low);
	}

	private static long increment(long last) {
		if ((last & COUNTER_MASK) == COUNTER_MASK) {
			return (((last >>> 16) + 1) << 16) | VERSION_7;
		}
		return last + 1;
	}

}
