package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.RetentionPolicy;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Alternation;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Load;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;
import io.varve.benchmarks.support.TableSizes;

/**
 * Scenario 13: deleting a whole category by retention while 64 durable writers append to
 * other streams. Each round fills a fresh store with a category of 1M events (at size 1),
 * then runs the 64 writers twice side by side: on one store a retention pass deletes the
 * category (in its bounded transactions) from the start of the measured window, on the
 * other nothing is deleted. Then the next 1M events are appended to the store whose
 * category was deleted, and the data file's growth is compared with what the first 1M
 * took: the space deleted events leave is reused.
 */
public final class RetentionScenario implements Scenario {

	private static final int WRITERS = 64;

	private static final int FILL_BATCH = 1_000;

	private static final int FILL_STREAMS = 1_000;

	/** The tables whose growth by the next fill the report breaks down. */
	private static final String[] NEXT_TABLES = { "log", "event-ids", "stream-index" };

	@Override
	public int number() {
		return 13;
	}

	@Override
	public String title() {
		return "Retention deleting a category under a durable append load";
	}

	@Override
	public List<Row> run(Settings settings) throws Exception {
		long events = settings.catchUpEvents();
		// What the retention side measured besides its load, summed over the rounds:
		// events deleted in the measured windows, file growth, what the first fill took,
		// the file's free pages before the next fill, and what the next fill added to the
		// log, the event-id index and the stream index.
		long[] retained = new long[7];
		Measurement[] pooled = Alternation.run(settings.rounds(),
				(round, soFar) -> Scenario
					.progress(String.format(Locale.ROOT, "round %d: with retention %,.0f ev/s, without %,.0f ev/s",
							round + 1, soFar[0].rate(), soFar[1].rate())),
				(round) -> {
					Side side = side(settings, events, true);
					retained[0] += side.deletedInWindow;
					retained[1] += side.growth;
					retained[2] += side.firstSize;
					retained[3] += side.freeBeforeNext;
					for (int i = 0; i < NEXT_TABLES.length; i++) {
						retained[4 + i] += side.nextTables[i];
					}
					return side.load;
				}, (round) -> side(settings, events, false).load);
		Measurement with = pooled[0];
		Measurement without = pooled[1];
		long deletedInWindows = retained[0];
		long growth = retained[1];
		long firstSize = retained[2];
		int rounds = settings.rounds();
		String details = String.format(Locale.ROOT,
				"Each side: a fresh store (Durability.SYNC) filled with %,d events of category 'old' (%d streams, "
						+ "appends of %d events), then %d threads each appending one event per call to a stream of its own "
						+ "in category 'new' with exact expected versions (%d ms warm-up, %d ms measured); on one "
						+ "side a retention pass for 'old' (maxAge 1 ms: every event of it) starts as the measured "
						+ "window opens and deletes in transactions of at most 500 events, on the other nothing is "
						+ "deleted. %d alternating rounds; the retention pass deleted %,d events per measured window "
						+ "on average: it rests nine times as long as each step took, so it takes about a tenth of "
						+ "the writer's time.",
				events, Math.min(FILL_STREAMS, (events + FILL_BATCH - 1) / FILL_BATCH), FILL_BATCH, WRITERS,
				settings.warmupMillis(), settings.measureMillis(), rounds, deletedInWindows / rounds);
		double growthShare = (double) growth / firstSize;
		long freeBefore = retained[3] / rounds;
		long nextLog = retained[4] / rounds;
		long nextIds = retained[5] / rounds;
		long nextIndex = retained[6] / rounds;
		return List.of(
				new Row("13. Retention deleting a category vs none, 64 durable writers",
						"append 1 event, SYNC, 64 threads, while retention deletes a 1M-event category", with,
						"the same appends with nothing deleted", without, 0.8, details),
				Row.figure("13. Retention: data file growth while the next 1M events are appended",
						"append the next " + String.format(Locale.ROOT, "%,d", events)
								+ " events after the category was deleted",
						with, "what the first events took: 1.00", new Row.Figure(growthShare, "x"), 0.1,
						String.format(Locale.ROOT,
								"The used part of the data file (StoreInfo.usedBytes) grew by %,d bytes per round "
										+ "while the next %,d events were appended in the same appends of %d, after "
										+ "the deleted category's pages were freed (one checkpoint: the store "
										+ "closed and opened again), against %,d bytes the first %,d events took: "
										+ "the deleted space is reused. Where it went (the closed file's tables, read "
										+ "with lmdbjava): before the next events %,d bytes of the file were free "
										+ "pages; the next events added %,d bytes to the log, %,d to the event-id "
										+ "index and %,d to the stream index. Deleting events keeps their ids in the "
										+ "event-id index (appends with those ids stay idempotent: "
										+ "docs/deleting-data-and-gdpr.md), so the deletion frees the log's and the "
										+ "stream index's pages but not the index's, and the next events' ids "
										+ "(%.3fx of the first events' size) need pages the deletion did not free.",
								growth / rounds, events, FILL_BATCH, firstSize / rounds, events, freeBefore, nextLog,
								nextIds, nextIndex, (double) nextIds / (firstSize / rounds))));
	}

	private static Side side(Settings settings, long events, boolean retention) throws Exception {
		Path directory = Stores.freshDirectory(settings.workDir(), retention ? "retention" : "no-retention");
		long empty;
		long filled;
		try (Varve varve = open(directory, false)) {
			empty = varve.storeInfo().usedBytes();
			fill(varve, "old-", events);
			filled = varve.storeInfo().usedBytes();
		}
		long[] versions = new long[WRITERS];
		AtomicLong deleted = new AtomicLong();
		Measurement load;
		try (Varve varve = open(directory, retention)) {
			Thread[] pass = new Thread[1];
			load = Load.run(WRITERS, settings.warmupMillis(), settings.measureMillis(), (worker, i) -> {
				varve.append("new-" + worker, ExpectedVersion.exact(versions[worker]),
						Events.event(worker, versions[worker]));
				versions[worker]++;
				return 1;
			}, () -> {
				if (retention) {
					pass[0] = new Thread(varve::applyRetention, "retention-pass");
					pass[0].start();
				}
			}, () -> deleted.set(varve.retentionStatus().deletedInPass()));
			if (pass[0] != null) {
				pass[0].join();
			}
		}
		long growth = 0;
		long freeBeforeNext = 0;
		long[] nextTables = new long[NEXT_TABLES.length];
		if (retention) {
			TableSizes freed = TableSizes.read(directory);
			freeBeforeNext = freed.freeBytes();
			try (Varve varve = open(directory, false)) {
				long before = varve.storeInfo().usedBytes();
				fill(varve, "next-", events);
				growth = varve.storeInfo().usedBytes() - before;
			}
			TableSizes filledAgain = TableSizes.read(directory);
			for (int i = 0; i < NEXT_TABLES.length; i++) {
				nextTables[i] = filledAgain.table(NEXT_TABLES[i]) - freed.table(NEXT_TABLES[i]);
			}
		}
		Stores.delete(directory);
		return new Side(load, deleted.get(), growth, filled - empty, freeBeforeNext, nextTables);
	}

	private static Varve open(Path directory, boolean retention) {
		var builder = Varve.builder()
			.path(directory)
			.durability(Durability.SYNC)
			.mapSize(1L << 30)
			.eventTypes(ItemAdded.class);
		if (retention) {
			// The pass is started by the benchmark as the window opens, not by the timer.
			builder.retention("old", RetentionPolicy.maxAge(Duration.ofMillis(1)))
				.retentionInterval(Duration.ofDays(1));
		}
		return builder.open();
	}

	private static void fill(Varve varve, String prefix, long events) {
		Stores.batches(events, FILL_BATCH, FILL_STREAMS, 0,
				(cart, written, chunk) -> varve.append(prefix + cart, ExpectedVersion.exact(written), chunk.toArray()));
	}

	private record Side(Measurement load, long deletedInWindow, long growth, long firstSize, long freeBeforeNext,
			long[] nextTables) {

	}

}
