package io.varve.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates time-ordered (version 7) UUIDs: 48 bits of Unix milliseconds, then random
 * bits. Ids made close in time sort close together, so the event-id index grows at its
 * end instead of at random places.
 */
final class EventIds {

	private EventIds() {
	}

	static UUID next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long millis = System.currentTimeMillis();
		long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
		long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
		return new UUID(high, low);
	}

}
