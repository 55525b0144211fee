package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.DeviceStats;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Load;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.RawVarveLayout;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Diagnostics, not a comparison: what Varve's storage layout costs, measured with raw
 * lmdbjava only. The two write shapes of scenarios 1 and 2 are run against the plain log
 * (the ceiling), an index entry per event (Varve's first layout), an index entry per
 * append, and an index kept out of the durable commit. Varve now indexes streams in
 * blocks of 32 positions, finding the newest events through the previous position each
 * envelope records, which keeps most index writes out of a commit like the last variant.
 * It reports a Markdown section and no table rows.
 */
public final class LayoutScenario implements Scenario {

	private static final int STREAMS = 10;

	private static final int DURABLE_STREAMS = DurableAppendScenario.WRITERS;

	/** Prime, so that it is coprime with every stream count used. */
	private static final long STRIDE = 7_919;

	/** Many aggregates, as a real application has. */
	private static final int MANY_STREAMS = 10_000;

	private String details = "";

	@Override
	public int number() {
		return 7;
	}

	@Override
	public String title() {
		return "Storage layout diagnostics (raw lmdbjava)";
	}

	/** Markdown with the last run's figures. */
	public String details() {
		return this.details;
	}

	@Override
	public List<Row> run(Settings settings) {
		int group = (int) Math.max(1, Math.round(DurableAppendScenario.lastAverageGroup()));
		long events = settings.batchEvents();
		RawVarveLayout.Index[] layouts = RawVarveLayout.Index.values();
		Measurement[] batch = new Measurement[layouts.length + 1];
		Measurement[] durable = new Measurement[layouts.length + 1];
		double[] bytes = new double[layouts.length + 1];
		// One round: a diagnostic whose conclusions hold across runs (see the results'
		// history), kept short so that the whole default run stays within ten minutes.
		int rounds = (settings.size() > 2) ? 2 : 1;
		// Warm up every path once.
		batchPlain(settings, Math.min(events, 100_000));
		for (RawVarveLayout.Index layout : layouts) {
			batchLayout(settings, Math.min(events, 100_000), layout);
		}
		for (int round = 0; round < rounds; round++) {
			batch[0] = batchPlain(settings, events).plus(batch[0]);
			for (int i = 0; i < layouts.length; i++) {
				batch[i + 1] = batchLayout(settings, events, layouts[i]).plus(batch[i + 1]);
			}
			double[] written = new double[1];
			durable[0] = durablePlain(settings, group, written).plus(durable[0]);
			bytes[0] += written[0] / rounds;
			for (int i = 0; i < layouts.length; i++) {
				durable[i + 1] = durableLayout(settings, group, layouts[i], written).plus(durable[i + 1]);
				bytes[i + 1] += written[0] / rounds;
			}
			Scenario.progress(String.format(Locale.ROOT,
					"round %d: batched %,.0f / %,.0f / %,.0f / %,.0f ev/s; durable %,.0f / %,.0f / %,.0f / %,.0f ev/s",
					round + 1, batch[0].rate(), batch[1].rate(), batch[2].rate(), batch[3].rate(), durable[0].rate(),
					durable[1].rate(), durable[2].rate(), durable[3].rate()));
		}
		List<String> names = new ArrayList<>();
		names.add("plain log only (the ceiling)");
		names.add("index entry per event (Varve's first layout)");
		names.add("index entry per append");
		names.add("stream index kept out of the durable commit");
		StringBuilder text = new StringBuilder();
		text.append(String.format(Locale.ROOT,
				"Raw lmdbjava only, one thread, no Varve code: the same writes as Varve's storage engine (envelope "
						+ "in the log, event-id index, stream head) with three ways of keeping the (stream, version) "
						+ "index, next to the plain log. Left: %,d events per round in appends of 1000 to %d streams "
						+ "in rotation, MDB_NOSYNC. Right: synced commits of %d single-event appends to %d streams "
						+ "(Varve's average group size in scenario 2), each load warmed up %,d ms and measured %,d ms. "
						+ "%d round(s). With single-event appends, \"per append\" "
						+ "does exactly the same writes as \"per event\", so the gap between those two durable rates "
						+ "shows the noise of the run; bytes written per commit are the steadier figure.%n%n",
				events, STREAMS, group, DURABLE_STREAMS, warmupMillis(settings), measureMillis(settings), rounds));
		text.append("| layout | batched, no sync: events/s | vs plain | durable groups: events/s | vs plain "
				+ "| KiB written to the device per commit |\n|---|---:|---:|---:|---:|---:|\n");
		for (int i = 0; i < names.size(); i++) {
			text.append(String.format(Locale.ROOT, "| %s | %,.0f | %.2fx | %,.0f | %.2fx | %,.0f |%n", names.get(i),
					batch[i].rate(), batch[i].rate() / batch[0].rate(), durable[i].rate(),
					durable[i].rate() / durable[0].rate(), bytes[i] / 1024));
		}
		headsByStreamCount(settings, group, rounds, text);
		this.details = text.toString();
		return List.of();
	}

	/**
	 * What writing stream heads in every durable commit costs as the number of streams
	 * grows: a group touches one head per append, and with many streams those heads sit
	 * on as many different pages, each copied and flushed.
	 */
	private static void headsByStreamCount(Settings settings, int group, int rounds, StringBuilder text) {
		int[] counts = { DURABLE_STREAMS, MANY_STREAMS };
		Measurement[][] rates = new Measurement[counts.length][3];
		double[][] bytes = new double[counts.length][3];
		double[] written = new double[1];
		for (int round = 0; round < rounds; round++) {
			for (int c = 0; c < counts.length; c++) {
				rates[c][0] = durablePlain(settings, group, written).plus(rates[c][0]);
				bytes[c][0] += written[0] / rounds;
				rates[c][1] = durableLayout(settings, group, RawVarveLayout.Index.DEFERRED, counts[c], true, written)
					.plus(rates[c][1]);
				bytes[c][1] += written[0] / rounds;
				rates[c][2] = durableLayout(settings, group, RawVarveLayout.Index.DEFERRED, counts[c], false, written)
					.plus(rates[c][2]);
				bytes[c][2] += written[0] / rounds;
			}
			Scenario.progress(String.format(Locale.ROOT,
					"round %d: heads in commit %,.0f / %,.0f ev/s, heads out of it %,.0f / %,.0f ev/s", round + 1,
					rates[0][1].rate(), rates[1][1].rate(), rates[0][2].rate(), rates[1][2].rate()));
		}
		text.append(String.format(Locale.ROOT, "%nStream heads in the durable commit, by number of streams: synced "
				+ "commits of %d single-event appends visiting every stream in turn in a scattered order, with the event-id index "
				+ "and no per-event stream index (as Varve writes), with and without writing each append's "
				+ "stream head; the plain log of each pair is run alongside.%n%n", group));
		text.append("| streams | plain log: events/s | with heads: events/s | vs plain | KiB per commit "
				+ "| heads left out: events/s | vs plain | KiB per commit |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (int c = 0; c < counts.length; c++) {
			double plain = rates[c][0].rate();
			text.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f | %.2fx | %,.0f | %,.0f | %.2fx | %,.0f |%n",
					counts[c], plain, rates[c][1].rate(), rates[c][1].rate() / plain, bytes[c][1] / 1024,
					rates[c][2].rate(), rates[c][2].rate() / plain, bytes[c][2] / 1024));
		}
	}

	private static Measurement batchPlain(Settings settings, long events) {
		Path directory = Stores.freshDirectory(settings.workDir(), "layout-plain");
		Measurement measurement;
		try (RawLmdb raw = RawLmdb.open(directory, false)) {
			measurement = Measurement.time(() -> {
				Stores.fill(raw, events, 1000, STREAMS, 0);
				return events;
			});
		}
		Stores.delete(directory);
		return measurement;
	}

	private static Measurement batchLayout(Settings settings, long events, RawVarveLayout.Index indexing) {
		Path directory = Stores.freshDirectory(settings.workDir(), "layout-batch");
		Measurement measurement;
		try (RawVarveLayout raw = RawVarveLayout.open(directory, false, indexing)) {
			measurement = Measurement.time(() -> {
				long[] versions = new long[STREAMS];
				int[] streams = new int[1];
				ItemAdded[][] appends = new ItemAdded[1][];
				long written = 0;
				int call = 0;
				while (written < events) {
					int stream = call++ % STREAMS;
					int count = (int) Math.min(1000, events - written);
					ItemAdded[] chunk = new ItemAdded[count];
					for (int i = 0; i < count; i++) {
						chunk[i] = Events.event(stream, versions[stream] + i);
					}
					streams[0] = stream;
					appends[0] = chunk;
					raw.commit(streams, appends, 1);
					versions[stream] += count;
					written += count;
				}
				return written;
			});
		}
		Stores.delete(directory);
		return measurement;
	}

	private static Measurement durablePlain(Settings settings, int group, double[] bytesPerCommit) {
		Path directory = Stores.freshDirectory(settings.workDir(), "layout-plain-sync");
		Measurement measurement;
		try (RawLmdb raw = RawLmdb.open(directory, true)) {
			long[] version = new long[1];
			byte[][] values = new byte[group][];
			DeviceStats[] start = new DeviceStats[1];
			measurement = Load.run(1, warmupMillis(settings), measureMillis(settings), (worker, i) -> {
				for (int e = 0; e < group; e++) {
					values[e] = Events.encode(Events.event(e, version[0]++));
				}
				raw.appendBatch(values);
				return group;
			}, () -> start[0] = DeviceStats.of(directory));
			bytesPerCommit[0] = DeviceStats.of(directory).bytesPer(start[0], (double) measurement.events() / group);
		}
		Stores.delete(directory);
		return measurement;
	}

	private static Measurement durableLayout(Settings settings, int group, RawVarveLayout.Index indexing,
			double[] bytesPerCommit) {
		return durableLayout(settings, group, indexing, DURABLE_STREAMS, true, bytesPerCommit);
	}

	private static Measurement durableLayout(Settings settings, int group, RawVarveLayout.Index indexing,
			int streamCount, boolean heads, double[] bytesPerCommit) {
		Path directory = Stores.freshDirectory(settings.workDir(), "layout-sync");
		Measurement measurement;
		try (RawVarveLayout raw = RawVarveLayout.open(directory, true, indexing, heads)) {
			long[] versions = new long[streamCount];
			int[] streams = new int[group];
			ItemAdded[][] appends = new ItemAdded[group][];
			long[] next = new long[1];
			DeviceStats[] start = new DeviceStats[1];
			measurement = Load.run(1, warmupMillis(settings), measureMillis(settings), (worker, i) -> {
				for (int a = 0; a < group; a++) {
					// A prime stride visits every stream once per round, in an order that
					// scatters neighbouring appends over the key space as real traffic
					// does.
					int stream = (int) ((next[0]++ * STRIDE) % streamCount);
					streams[a] = stream;
					appends[a] = new ItemAdded[] { Events.event(stream, versions[stream]++) };
				}
				raw.commit(streams, appends, group);
				return group;
			}, () -> start[0] = DeviceStats.of(directory));
			bytesPerCommit[0] = DeviceStats.of(directory).bytesPer(start[0], (double) measurement.events() / group);
		}
		Stores.delete(directory);
		return measurement;
	}

	/**
	 * Half the settings' warm-up: a diagnostic whose bytes per commit are steady and
	 * whose rates are shown only next to a plain log run alongside, kept short so that
	 * the default run, with both peers, stays within ten minutes.
	 */
	private static long warmupMillis(Settings settings) {
		return Math.max(500, settings.warmupMillis() / 2);
	}

	/**
	 * Half the settings' measured window, for the same reason as {@link #warmupMillis}.
	 */
	private static long measureMillis(Settings settings) {
		return Math.max(1_000, settings.measureMillis() / 2);
	}

}
