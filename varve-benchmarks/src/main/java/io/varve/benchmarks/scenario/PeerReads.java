package io.varve.benchmarks.scenario;

import java.util.Locale;
import java.util.function.Supplier;

import io.varve.EventFilter;
import io.varve.Varve;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.Measurement;

/**
 * The read half of a peer scenario: Varve and the peer read the same events in
 * alternating rounds, the whole log and then every stream in turn, and the digests of
 * what they decoded must match.
 */
final class PeerReads {

	private PeerReads() {
	}

	/**
	 * Warms both sides up once, then times them.
	 * @param varve the store holding the events
	 * @param streams how many streams (cart-0 to cart-(n-1)) hold them
	 * @param peer the peer's name, for progress lines and failures
	 * @param rounds measured rounds
	 * @param peerLog reads the peer's whole log
	 * @param peerStreams reads every stream from the peer
	 * @return the four measurements, pooled over the rounds
	 */
	static Result compare(Varve varve, int streams, String peer, int rounds, Supplier<Checksum> peerLog,
			Supplier<Checksum> peerStreams) {
		readLog(varve);
		peerLog.get();
		Measurement varveLog = null;
		Measurement theirLog = null;
		Measurement varveStreams = null;
		Measurement theirStreams = null;
		for (int round = 0; round < rounds; round++) {
			Checksum[] sums = new Checksum[4];
			varveLog = Checksum.timed(sums, 0, () -> readLog(varve)).plus(varveLog);
			theirLog = Checksum.timed(sums, 1, peerLog).plus(theirLog);
			theirStreams = Checksum.timed(sums, 3, peerStreams).plus(theirStreams);
			varveStreams = Checksum.timed(sums, 2, () -> readStreams(varve, streams)).plus(varveStreams);
			sums[0].requireSame(sums[1], peer + " full read");
			sums[2].requireSame(sums[3], peer + " stream loads");
			Scenario.progress(String.format(Locale.ROOT,
					"round %d: full read Varve %,.0f ev/s %s %,.0f ev/s; streams Varve %,.0f ev/s %s %,.0f ev/s",
					round + 1, varveLog.rate(), peer, theirLog.rate(), varveStreams.rate(), peer, theirStreams.rate()));
		}
		return new Result(varveLog, theirLog, varveStreams, theirStreams);
	}

	private static Checksum readLog(Varve varve) {
		Checksum sum = new Checksum();
		try (var events = varve.scanAll(0, EventFilter.all())) {
			events.forEach((event) -> sum.accept(event.data()));
		}
		return sum;
	}

	private static Checksum readStreams(Varve varve, int streams) {
		Checksum sum = new Checksum();
		for (int stream = 0; stream < streams; stream++) {
			try (var events = varve.scanStream("cart-" + stream, 1)) {
				events.forEach((event) -> sum.accept(event.data()));
			}
		}
		return sum;
	}

	/**
	 * Pooled measurements of both sides.
	 *
	 * @param varveLog Varve's whole-log reads
	 * @param peerLog the peer's whole-log reads
	 * @param varveStreams Varve's stream loads
	 * @param peerStreams the peer's stream loads
	 */
	record Result(Measurement varveLog, Measurement peerLog, Measurement varveStreams, Measurement peerStreams) {

	}

}
