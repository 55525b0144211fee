package io.varve.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates time-ordered (version 7) UUIDs: 48 bits of Unix milliseconds, then random
 * bits. Ids made close in time sort close together, so the event-id index grows at its
 * end instead of at random places. Within one thread and one millisecond the random part
 * is incremented rather than drawn again (RFC 9562's monotonic counter method), so the
 * ids of one append are strictly increasing and go into the index with a cheap append.
 */
final class EventIds {

	private static final long VERSION_7 = 0x7000L;

	private static final long VARIANT = 0x8000000000000000L;

	private static final long RANDOM_B = 0x3fffffffffffffffL;

	private static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[3]);

	private EventIds() {
	}

	static UUID next() {
		long millis = System.currentTimeMillis();
		long[] last = LAST.get();
		long randomA;
		long randomB;
		if (millis == last[0] && last[2] < RANDOM_B) {
			randomA = last[1];
			randomB = last[2] + 1;
		}
		else {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			randomA = random.nextLong() & 0x0fffL;
			// Leave headroom so increments within a millisecond do not overflow.
			randomB = random.nextLong() & (RANDOM_B >>> 1);
		}
		last[0] = millis;
		last[1] = randomA;
		last[2] = randomB;
		return new UUID((millis << 16) | VERSION_7 | randomA, VARIANT | randomB);
	}

}
