package io.varve.reliability;

import java.util.SplittableRandom;

import io.varve.EventType;

/**
 * The event the crash test's child appends. Its text is derived from its sequence number
 * and length, so the parent can tell exactly what an acknowledged event must contain.
 *
 * @param seq the child's sequence number of the event
 * @param text filler text, some long enough to need LMDB overflow pages
 */
@EventType("crash-event")
record CrashEvent(long seq, String text) {

	static CrashEvent of(long seq, int length) {
		SplittableRandom random = new SplittableRandom(seq * 0x9E3779B97F4A7C15L);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) ('a' + random.nextInt(26)));
		}
		return new CrashEvent(seq, text.toString());
	}

}
