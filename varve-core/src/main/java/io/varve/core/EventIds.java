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

	private static final ThreadLocal<Generator> GENERATORS = ThreadLocal.withInitial(Generator::new);

	private EventIds() {
	}

	static UUID next() {
		return generator().next();
	}

	/**
	 * This thread's generator; fetch it once per append rather than once per event.
	 * @return the generator
	 */
	static Generator generator() {
		return GENERATORS.get();
	}

	/** One thread's generator: the last id it made. Not thread-safe. */
	static final class Generator {

		private long millis;

		private long randomA;

		private long randomB;

		UUID next() {
			long now = System.currentTimeMillis();
			if (now == this.millis && this.randomB < RANDOM_B) {
				this.randomB++;
			}
			else {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				this.millis = now;
				this.randomA = random.nextLong() & 0x0fffL;
				// Leave headroom so increments within a millisecond do not overflow.
				this.randomB = random.nextLong() & (RANDOM_B >>> 1);
			}
			return new UUID((this.millis << 16) | VERSION_7 | this.randomA, VARIANT | this.randomB);
		}

	}

}
