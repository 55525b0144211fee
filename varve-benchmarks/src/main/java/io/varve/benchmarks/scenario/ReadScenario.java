package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.List;

import io.varve.Durability;
import io.varve.EventFilter;
import io.varve.RecordedEvent;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 3: reads with decoding. One stream read forward ({@code scanStream}) and the
 * whole log ({@code scanAll}), each event decoded into the record with
 * {@link RecordedEvent#data()}, against a raw lmdbjava cursor scan over the same events
 * with the same Smile decoding.
 */
public final class ReadScenario implements Scenario {

	private static final int STREAMS = 1000;

	@Override
	public int number() {
		return 3;
	}

	@Override
	public String title() {
		return "Reads with decoding";
	}

	@Override
	public List<Row> run(Settings settings) {
		long streamEvents = settings.streamEvents();
		long logEvents = settings.logEvents();
		Scenario.progress(String.format("writing %,d + %,d events to Varve and to raw LMDB", streamEvents,
				logEvents - streamEvents));
		Varve varve = Stores.varve(settings.workDir(), "read-varve", Durability.NO_SYNC);
		Path streamDirectory = Stores.freshDirectory(settings.workDir(), "read-raw-stream");
		Path logDirectory = Stores.freshDirectory(settings.workDir(), "read-raw-log");
		try (varve;
				RawLmdb rawStream = RawLmdb.open(streamDirectory, false);
				RawLmdb rawLog = RawLmdb.open(logDirectory, false)) {
			// The log: one long stream (cart-0) first, then 1000 streams of interleaved
			// batches.
			Stores.fill(varve, streamEvents, 1000, 1, 0);
			Stores.fill(varve, logEvents - streamEvents, 100, STREAMS, 1);
			Stores.fill(rawStream, streamEvents, 1000, 1, 0);
			Stores.fill(rawLog, streamEvents, 1000, 1, 0);
			Stores.fill(rawLog, logEvents - streamEvents, 100, STREAMS, 1);
			// Warm up both paths.
			readStream(varve);
			readRaw(rawStream);
			Measurement varveStream = null;
			Measurement rawStreamRead = null;
			Measurement varveLog = null;
			Measurement rawLogRead = null;
			for (int round = 0; round < settings.shortRounds(); round++) {
				Checksum[] sums = new Checksum[4];
				varveStream = Checksum.timed(sums, 0, () -> readStream(varve)).plus(varveStream);
				rawStreamRead = Checksum.timed(sums, 1, () -> readRaw(rawStream)).plus(rawStreamRead);
				rawLogRead = Checksum.timed(sums, 3, () -> readRaw(rawLog)).plus(rawLogRead);
				varveLog = Checksum.timed(sums, 2, () -> readAll(varve)).plus(varveLog);
				sums[0].requireSame(sums[1], "one stream forward");
				sums[2].requireSame(sums[3], "whole log");
				Scenario.progress(String.format(
						"round %d: stream Varve %,.0f ev/s raw %,.0f ev/s; log Varve %,.0f ev/s raw %,.0f ev/s",
						round + 1, varveStream.rate(), rawStreamRead.rate(), varveLog.rate(), rawLogRead.rate()));
			}
			String decoding = "Both sides decode every payload with the same Smile mapper into the same record; a "
					+ "digest of the decoded events is compared, so both read the same events in the same order. ";
			return List.of(new Row("3. Read one stream forward", "scanStream(stream, 1) + data()", varveStream,
					"raw lmdbjava cursor over that stream's events + Smile decode", rawStreamRead, 0.8,
					decoding + "Stream of " + streamEvents + " events; Varve reads through its (stream, version) "
							+ "index, in chunks of 512 events per read snapshot; the raw scan walks a database "
							+ "holding only that stream's payloads in one snapshot."),
					new Row("3. Read whole log", "scanAll(0, all()) + data()", varveLog,
							"raw lmdbjava cursor over the log + Smile decode", rawLogRead, 0.8,
							decoding + logEvents + " events in " + (STREAMS + 1)
									+ " streams; Varve reads in chunks of 512 events per read snapshot, "
									+ "the raw scan uses one snapshot."));
		}
		finally {
			Stores.delete(varve.path());
			Stores.delete(streamDirectory);
			Stores.delete(logDirectory);
		}
	}

	static Checksum readStream(Varve varve) {
		Checksum sum = new Checksum();
		try (var events = varve.scanStream("cart-0", 1)) {
			events.forEach((event) -> sum.accept(event.data()));
		}
		return sum;
	}

	static Checksum readAll(Varve varve) {
		Checksum sum = new Checksum();
		try (var events = varve.scanAll(0, EventFilter.all())) {
			events.forEach((event) -> sum.accept(event.data()));
		}
		return sum;
	}

	static Checksum readRaw(RawLmdb raw) {
		Checksum sum = new Checksum();
		raw.scanDecoding(sum::accept);
		return sum;
	}

}
