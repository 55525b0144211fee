package io.varve.benchmarks.scenario;

import java.util.List;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Alternation;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.RawVarveLayout;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 1: appends of 1000 events per call without sync, Varve ({@code NO_SYNC})
 * against a raw lmdbjava loop that Smile-encodes the same events and puts them with
 * {@code MDB_APPEND} into an {@code MDB_NOSYNC} environment, one transaction per 1000.
 */
public final class BatchAppendScenario implements Scenario {

	static final int BATCH = 1000;

	private static final int STREAMS = 10;

	@Override
	public int number() {
		return 1;
	}

	@Override
	public String title() {
		return "Batched append, no sync";
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		long events = settings.batchEvents();
		// Warm up with whole rounds, as JMH runs warm-up iterations: Varve's deeper call
		// paths (queue, writer thread, envelope checks) take the JIT and the heap sizing
		// longer to settle than the raw loop's, and pooling those early rounds measured
		// the warm-up, not the steady rate (first round about 0.4x, the last ones 0.7x).
		int warmups = Math.max(1, settings.shortRounds() / 2);
		for (int round = 0; round < warmups; round++) {
			Scenario.progress("warm-up round " + (round + 1) + " of " + warmups + " (not counted)");
			varve(settings, events);
			raw(settings, events);
			rawLayout(settings, events);
		}
		Measurement[] pooled = Alternation.run(settings.shortRounds(),
				(round, soFar) -> Scenario.progress(String.format(
						"round %d: Varve %,.0f ev/s, raw %,.0f ev/s, raw with the per-event index layout %,.0f ev/s",
						round + 1, soFar[0].rate(), soFar[1].rate(), soFar[2].rate())),
				(round) -> varve(settings, events), (round) -> raw(settings, events),
				(round) -> rawLayout(settings, events));
		Measurement varve = pooled[0];
		Measurement raw = pooled[1];
		Measurement layout = pooled[2];
		Row layoutRow = new Row("1. Batched append vs raw with a per-event index", "same", varve,
				"raw lmdbjava writing log, id index, stream head and a (stream, version) index entry per event, 1000 per txn, MDB_NOSYNC",
				layout, Double.NaN,
				"Diagnostic: the raw loop writes what Varve's first layout wrote per event (envelope, event-id "
						+ "index, stream head and a (stream, version) index entry), from one thread, without Varve's "
						+ "queue, writer thread, checks and futures. Varve now indexes streams in blocks of 32 "
						+ "positions (its newest events are found through the previous position each envelope "
						+ "records), so it does less index work than this loop.");
		return List.of(new Row("1. Batched append, no sync", "append(stream, exact(v), 1000 events), NO_SYNC", varve,
				"raw lmdbjava: encode + MDB_APPEND put, 1000 per txn, MDB_NOSYNC", raw, 0.7,
				"Both sides skip fsync (Varve Durability.NO_SYNC = LMDB MDB_NOSYNC; raw env MDB_NOSYNC). "
						+ "Varve writes per event the envelope and an event-id index entry, a stream index block per "
						+ "32 events, and the stream head; the raw loop writes only the Smile payload. " + events
						+ " events per side in each of " + settings.shortRounds() + " alternating rounds, after "
						+ warmups + " uncounted warm-up rounds, " + STREAMS
						+ " streams in rotation; latency is per call of 1000 events."),
				layoutRow);
	}

	private static Measurement varve(Settings settings, long events) {
		long[] versions = new long[STREAMS];
		int calls = (int) ((events + BATCH - 1) / BATCH);
		long[][] samples = { new long[calls] };
		long written = 0;
		long elapsed;
		java.nio.file.Path directory;
		try (Varve varve = Stores.varve(settings.workDir(), "batch-varve", Durability.NO_SYNC)) {
			directory = varve.path();
			long start = System.nanoTime();
			for (int call = 0; call < calls; call++) {
				long callStart = System.nanoTime();
				int stream = call % STREAMS;
				int count = (int) Math.min(BATCH, events - written);
				Object[] chunk = new Object[count];
				for (int i = 0; i < count; i++) {
					chunk[i] = Events.event(stream, versions[stream] + i);
				}
				varve.append("cart-" + stream, ExpectedVersion.exact(versions[stream]), chunk);
				versions[stream] += count;
				written += count;
				samples[0][call] = System.nanoTime() - callStart;
			}
			elapsed = System.nanoTime() - start;
		}
		Stores.delete(directory);
		return new Measurement(written, elapsed, Latencies.of(samples, new int[] { calls }));
	}

	private static Measurement rawLayout(Settings settings, long events) {
		long[] versions = new long[STREAMS];
		int calls = (int) ((events + BATCH - 1) / BATCH);
		long written = 0;
		long elapsed;
		int[] streamNumbers = new int[1];
		ItemAdded[][] appends = new ItemAdded[1][];
		java.nio.file.Path directory = Stores.freshDirectory(settings.workDir(), "batch-layout");
		try (RawVarveLayout raw = RawVarveLayout.open(directory, false)) {
			long start = System.nanoTime();
			for (int call = 0; call < calls; call++) {
				int stream = call % STREAMS;
				int count = (int) Math.min(BATCH, events - written);
				ItemAdded[] chunk = new ItemAdded[count];
				for (int i = 0; i < count; i++) {
					chunk[i] = Events.event(stream, versions[stream] + i);
				}
				streamNumbers[0] = stream;
				appends[0] = chunk;
				raw.commit(streamNumbers, appends, 1);
				versions[stream] += count;
				written += count;
			}
			elapsed = System.nanoTime() - start;
		}
		Stores.delete(directory);
		return new Measurement(written, elapsed, Latencies.none());
	}

	private static Measurement raw(Settings settings, long events) {
		long[] versions = new long[STREAMS];
		int calls = (int) ((events + BATCH - 1) / BATCH);
		long[][] samples = { new long[calls] };
		byte[][] values = new byte[BATCH][];
		long written = 0;
		long elapsed;
		java.nio.file.Path directory = Stores.freshDirectory(settings.workDir(), "batch-raw");
		try (RawLmdb raw = RawLmdb.open(directory, false)) {
			long start = System.nanoTime();
			for (int call = 0; call < calls; call++) {
				long callStart = System.nanoTime();
				int stream = call % STREAMS;
				int count = (int) Math.min(BATCH, events - written);
				for (int i = 0; i < count; i++) {
					values[i] = Events.encode(Events.event(stream, versions[stream] + i));
				}
				raw.appendBatch(values, count);
				versions[stream] += count;
				written += count;
				samples[0][call] = System.nanoTime() - callStart;
			}
			elapsed = System.nanoTime() - start;
		}
		Stores.delete(directory);
		return new Measurement(written, elapsed, Latencies.of(samples, new int[] { calls }));
	}

}
