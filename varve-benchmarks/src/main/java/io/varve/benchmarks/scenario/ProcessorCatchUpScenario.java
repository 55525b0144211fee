package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

import io.varve.Durability;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.Checksum;
import io.varve.benchmarks.support.ItemAdded;
import io.varve.benchmarks.support.Latencies;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;
import io.varve.processor.EventHandler;
import io.varve.processor.ProcessorDefinition;
import io.varve.processor.ProcessorRegistry;

/**
 * Scenario 4: a no-op processor catching up from checkpoint 0 over a log of at least 1M
 * events, its handler decoding each event into the record with
 * {@link io.varve.RecordedEvent#data()}, against a raw lmdbjava cursor scan over the same
 * events with the same Smile decoding. The processor is timed from
 * {@link ProcessorRegistry#start} until {@link ProcessorRegistry#awaitProcessed} returns
 * for the head position, on a store opened with the default durability (SYNC). An info
 * row repeats both without decoding.
 */
public final class ProcessorCatchUpScenario implements Scenario {

	private static final int STREAMS = 1000;

	private static final Duration TIMEOUT = Duration.ofMinutes(10);

	private static final AtomicInteger PROCESSORS = new AtomicInteger();

	@Override
	public int number() {
		return 4;
	}

	@Override
	public String title() {
		return "Processor catch-up";
	}

	@Override
	public List<Row> run(Settings settings) {
		long events = settings.catchUpEvents();
		Scenario.progress(String.format("writing %,d events to Varve and to raw LMDB", events));
		Path varveDirectory;
		try (Varve filling = Stores.varve(settings.workDir(), "catchup-varve", Durability.NO_SYNC)) {
			varveDirectory = filling.path();
			Stores.fill(filling, events, 100, STREAMS, 0);
		}
		Path rawDirectory = Stores.freshDirectory(settings.workDir(), "catchup-raw");
		// Reopened as users open it: no durability set, so checkpoints commit with SYNC.
		try (Varve varve = Varve.builder().path(varveDirectory).eventTypes(ItemAdded.class).open();
				RawLmdb raw = RawLmdb.open(rawDirectory, false)) {
			Stores.fill(raw, events, 100, STREAMS, 0);
			ProcessorRegistry processors = varve.processors();
			long head = varve.headPosition();
			// Warm up both paths.
			catchUpDecoding(processors, head, new Checksum());
			ReadScenario.readRaw(raw);
			catchUpEnvelopes(processors, head, new Positions());
			scanCopying(raw, new Positions());
			catchUpProjecting(processors, head, new Checksum());
			Measurement processor = null;
			Measurement projecting = null;
			Measurement rawScan = null;
			Measurement envelopes = null;
			Measurement rawCopy = null;
			Measurement rawProjecting = null;
			Measurement oneThread = null;
			Measurement twoThreads = null;
			rawProjecting(raw, new Checksum());
			catchUpProjecting(processors, head, 2, new java.util.HashMap<>());
			for (int round = 0; round < settings.shortRounds(); round++) {
				Checksum[] sums = { new Checksum(), null };
				Checksum projected = new Checksum();
				Checksum rawProjected = new Checksum();
				Positions[] positions = { new Positions(), new Positions() };
				// Alternate the order so that neither side always runs on a warmer
				// machine.
				if (round % 2 == 0) {
					processor = catchUpDecoding(processors, head, sums[0]).plus(processor);
					rawScan = Checksum.timed(sums, 1, () -> ReadScenario.readRaw(raw)).plus(rawScan);
					envelopes = catchUpEnvelopes(processors, head, positions[0]).plus(envelopes);
					rawCopy = scanCopying(raw, positions[1]).plus(rawCopy);
					projecting = catchUpProjecting(processors, head, projected).plus(projecting);
					rawProjecting = rawProjecting(raw, rawProjected).plus(rawProjecting);
				}
				else {
					rawProjecting = rawProjecting(raw, rawProjected).plus(rawProjecting);
					projecting = catchUpProjecting(processors, head, projected).plus(projecting);
					rawCopy = scanCopying(raw, positions[1]).plus(rawCopy);
					envelopes = catchUpEnvelopes(processors, head, positions[0]).plus(envelopes);
					rawScan = Checksum.timed(sums, 1, () -> ReadScenario.readRaw(raw)).plus(rawScan);
					processor = catchUpDecoding(processors, head, sums[0]).plus(processor);
				}
				java.util.Map<String, Long> totalsOne = new java.util.HashMap<>();
				java.util.Map<String, Long> totalsTwo = new java.util.HashMap<>();
				if (round % 2 == 0) {
					oneThread = catchUpProjecting(processors, head, 1, totalsOne).plus(oneThread);
					twoThreads = catchUpProjecting(processors, head, 2, totalsTwo).plus(twoThreads);
				}
				else {
					twoThreads = catchUpProjecting(processors, head, 2, totalsTwo).plus(twoThreads);
					oneThread = catchUpProjecting(processors, head, 1, totalsOne).plus(oneThread);
				}
				if (!totalsOne.equals(totalsTwo) || totalsOne.size() != STREAMS) {
					throw new IllegalStateException("Concurrency 1 and 2 projected different totals: "
							+ totalsOne.size() + " vs " + totalsTwo.size() + " streams");
				}
				sums[0].requireSame(sums[1], "processor catch-up");
				projected.requireSame(sums[1], "processor catch-up with projection writes");
				rawProjected.requireSame(sums[1], "raw scan with projection writes");
				positions[0].requireSame(positions[1], head);
				Scenario.progress(String.format(
						"round %d: decoding processor %,.0f ev/s raw %,.0f ev/s; envelope only processor %,.0f ev/s "
								+ "raw %,.0f ev/s; projecting processor %,.0f ev/s raw %,.0f ev/s",
						round + 1, processor.rate(), rawScan.rate(), envelopes.rate(), rawCopy.rate(),
						projecting.rate(), rawProjecting.rate())
						+ String.format("; projecting with concurrency 1 %,.0f ev/s, 2 %,.0f ev/s", oneThread.rate(),
								twoThreads.rate()));
			}
			String timing = "The processor is timed from registry.start(name) until awaitProcessed(name, head) "
					+ "returns, so the time includes its thread start, its reads in batches of "
					+ ProcessorDefinition.DEFAULT_BATCH_SIZE + " events (the default) per snapshot and its checkpoint "
					+ "commits, which use Varve's default durability, Durability.SYNC (fsync), as users run it; the "
					+ "last one is waited for. The raw scan walks the log in one read snapshot. Each round registers "
					+ "a new processor, which starts from checkpoint 0. ";
			return List.of(new Row("4. Processor catch-up", "processor from checkpoint 0, handler calls data(), SYNC",
					processor, "raw lmdbjava cursor scan + Smile decode", rawScan, 0.7,
					timing + "Both sides decode every payload with the same Smile mapper into the same record; a "
							+ "digest of the decoded events is compared, so both handled the same events in the "
							+ "same order. " + events + " events in " + STREAMS + " streams (appends of 100), "
							+ settings.shortRounds() + " alternating rounds."),
					new Row("4. Processor catch-up, envelope only", "same, handler reads position() only", envelopes,
							"raw lmdbjava cursor scan copying each value, no decode", rawCopy, Double.NaN,
							"Diagnostic: the same catch-up without payload decoding, against a raw scan that "
									+ "copies each value out of the map and reads its key; the ratio shows the "
									+ "processor machinery (envelope copy and checks, batches, thread, checkpoint "
									+ "commits) on its own. Both sides' position sums are compared."),
					new Row("4. Processor catch-up, projection writes",
							"same, handler calls data() and puts a running total per stream in a projection table",
							projecting, "raw lmdbjava cursor scan + Smile decode", rawScan, Double.NaN,
							"Diagnostic: a read model, as users write one. Each batch's projection writes commit "
									+ "with its checkpoint in one durable transaction (SYNC), exactly once; the next "
									+ "batch is handled while that commit syncs. The decoded events' digest is "
									+ "compared with the raw scan's."),
					new Row("4. Processor catch-up, projection writes vs raw projection", "same projecting processor",
							projecting,
							"raw lmdbjava: scan, decode, read-add-put a total per stream, commit + sync every "
									+ ProcessorDefinition.DEFAULT_BATCH_SIZE + " events",
							rawProjecting, 0.8,
							"The fair baseline of a read model: the raw side does the same work per event (decode, "
									+ "read the stream's running total, put it back) in one write transaction per "
									+ ProcessorDefinition.DEFAULT_BATCH_SIZE
									+ " events, each made durable (sync) before the next, with no "
									+ "checkpoint and no projection buffer. Both sides' digests are compared."),
					new Row("4. Processor catch-up, concurrency 2 vs 1",
							"projecting processor, concurrency(2): each batch split by stream over 2 threads",
							twoThreads, "the same processor with concurrency(1)", oneThread, Double.NaN,
							"Diagnostic for parallel catch-up: the same projecting handler (decode, read-add-put a "
									+ "total per stream) with each batch's events split by stream over two "
									+ "threads, against one thread, both committing one durable transaction per "
									+ "batch of " + ProcessorDefinition.DEFAULT_BATCH_SIZE + ". The per-stream "
									+ "totals of both are compared. This machine has "
									+ Runtime.getRuntime().availableProcessors() + " cores, shared by the handler "
									+ "threads, the processor's reading thread and the writer."));
		}
		finally {
			Stores.delete(varveDirectory);
			Stores.delete(rawDirectory);
		}
	}

	/**
	 * Registers a new processor whose handler decodes every event into a checksum, and
	 * times its catch-up from checkpoint 0 to the head.
	 */
	static Measurement catchUpDecoding(ProcessorRegistry processors, long head, Checksum sum) {
		return catchUp(processors, head, (event, context) -> sum.accept(event.data()));
	}

	/**
	 * Registers a new processor whose handler decodes every event and keeps a running
	 * total of quantities per stream in a projection table of its own, and times its
	 * catch-up from checkpoint 0 to the head.
	 */
	static Measurement catchUpProjecting(ProcessorRegistry processors, long head, Checksum sum) {
		String table = "totals-" + (PROCESSORS.get() + 1);
		return catchUp(processors, head, (event, context) -> {
			ItemAdded item = (ItemAdded) event.data();
			sum.accept(item);
			long total = context.projections().get(table, event.stream(), Long.class).orElse(0L);
			context.projections().put(table, event.stream(), total + item.quantity());
		});
	}

	/**
	 * Registers a new processing processor with a concurrency, times its catch-up, and
	 * reads back its totals.
	 */
	static Measurement catchUpProjecting(ProcessorRegistry processors, long head, int concurrency,
			java.util.Map<String, Long> totals) {
		String table = "totals-" + (PROCESSORS.get() + 1);
		Measurement measured = catchUp(processors, head, concurrency, (event, context) -> {
			ItemAdded item = (ItemAdded) event.data();
			long total = context.projections().get(table, event.stream(), Long.class).orElse(0L);
			context.projections().put(table, event.stream(), total + item.quantity());
		});
		for (var entry : processors.projections().list(table, null, 10_000, Long.class)) {
			totals.put(entry.key(), entry.value());
		}
		return measured;
	}

	/**
	 * Registers a new processor whose handler reads only each event's position, and times
	 * its catch-up from checkpoint 0 to the head.
	 */
	static Measurement catchUpEnvelopes(ProcessorRegistry processors, long head, Positions positions) {
		return catchUp(processors, head, (event, context) -> positions.accept(event.position()));
	}

	private static Measurement catchUp(ProcessorRegistry processors, long head, EventHandler handler) {
		return catchUp(processors, head, 1, handler);
	}

	private static Measurement catchUp(ProcessorRegistry processors, long head, int concurrency, EventHandler handler) {
		String name = "catch-up-" + PROCESSORS.incrementAndGet();
		processors.register(ProcessorDefinition.builder(name).concurrency(concurrency).handler(handler).build());
		long start = System.nanoTime();
		processors.start(name);
		processors.awaitProcessed(name, head, TIMEOUT);
		long elapsed = System.nanoTime() - start;
		// Stopping joins the processor's thread, so its handler's writes are visible
		// here.
		processors.stop(name);
		return new Measurement(head, elapsed, Latencies.none());
	}

	static Measurement rawProjecting(RawLmdb raw, Checksum sum) {
		String table = "raw-totals-" + PROCESSORS.incrementAndGet();
		return Measurement.time(() -> raw.projectTotals(table, ProcessorDefinition.DEFAULT_BATCH_SIZE, sum::accept));
	}

	static Measurement scanCopying(RawLmdb raw, Positions positions) {
		return Measurement.time(() -> raw.scanCopying(positions));
	}

	/** Counts and sums the positions a side handled. */
	static final class Positions implements LongConsumer {

		private long count;

		private long sum;

		@Override
		public void accept(long position) {
			this.count++;
			this.sum += position;
		}

		long count() {
			return this.count;
		}

		/** Fails unless both sides handled positions 1 to {@code head}. */
		void requireSame(Positions other, long head) {
			if (this.count != head || other.count != head || this.sum != other.sum) {
				throw new IllegalStateException(
						"The two sides of 'envelope only' handled different events: " + this.count + " vs "
								+ other.count + " of " + head + ", position sum " + this.sum + " vs " + other.sum);
			}
		}

	}

}
