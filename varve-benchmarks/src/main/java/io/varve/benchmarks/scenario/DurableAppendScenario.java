package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.support.CpuTime;
import io.varve.benchmarks.support.DeviceStats;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.GroupSizes;
import io.varve.benchmarks.support.Load;
import io.varve.benchmarks.support.LoadThreads;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * Scenario 2: durable single-event appends. Varve ({@code SYNC}) with 1 writer and with
 * 64 concurrent writers (each its own stream, {@code exact} expected versions), against
 * raw lmdbjava committing (and syncing) once per event, and against the ceiling: one raw
 * thread committing durable batches of Varve's measured average group size. On Java 21
 * and later the 64 writers also run as virtual threads, against the ceiling at the group
 * size they reach.
 */
public final class DurableAppendScenario implements Scenario {

	static final int WRITERS = 64;

	/** Streams per writer in the many-streams row: 64 x 156 = 9,984 streams in all. */
	private static final int STREAMS_PER_WRITER = 156;

	/** Prime, coprime with {@link #STREAMS_PER_WRITER}: scatters a writer's streams. */
	private static final long STRIDE = 7_919;

	/**
	 * Zeros ahead of the pre-zeroed ceiling per second of its load (it writes < 20 MB/s).
	 */
	private static final long ZEROED_BYTES_PER_SECOND = 48L << 20;

	private static volatile double lastAverageGroup = 48;

	/** Varve's average group size with 64 writers in the last run (48 before any run). */
	static double lastAverageGroup() {
		return lastAverageGroup;
	}

	@Override
	public int number() {
		return 2;
	}

	@Override
	public String title() {
		return "Durable single-event appends";
	}

	@Override
	public List<Row> run(Settings settings) {
		Measurement one = null;
		Measurement many = null;
		Measurement rawOne = null;
		Measurement ceiling = null;
		Measurement zeroedCeiling = null;
		Measurement spread = null;
		double groupSum = 0;
		double spreadGroupSum = 0;
		double[] bytes = new double[5];
		GroupSizes.Cycle cycles = new GroupSizes.Cycle(0, 0, 0, 0);
		CpuTime varveCpu = null;
		CpuTime ceilingCpu = null;
		ThreadFactory virtualThreads = LoadThreads.virtualOrNull();
		Measurement virtualMany = null;
		Measurement virtualCeiling = null;
		double virtualGroupSum = 0;
		for (int round = 0; round < settings.rounds(); round++) {
			VarveRun single = varve(settings, 1);
			one = single.measurement().plus(one);
			VarveRun run = varve(settings, WRITERS);
			many = run.measurement().plus(many);
			groupSum += run.averageGroup();
			cycles = cycles.plus(run.cycle());
			varveCpu = run.cpu().plus(varveCpu);
			VarveRun spreadRun = varve(settings, WRITERS, STREAMS_PER_WRITER);
			spread = spreadRun.measurement().plus(spread);
			spreadGroupSum += spreadRun.averageGroup();
			bytes[4] += spreadRun.bytesPerCommit() / settings.rounds();
			int group = (int) Math.max(1, Math.round(run.averageGroup()));
			RawRun rawSingle = raw(settings, 1, false);
			rawOne = rawSingle.measurement().plus(rawOne);
			RawRun rawGroup = raw(settings, group, false);
			ceiling = rawGroup.measurement().plus(ceiling);
			ceilingCpu = rawGroup.cpu().plus(ceilingCpu);
			zeroedCeiling = raw(settings, group, true).measurement().plus(zeroedCeiling);
			if (virtualThreads != null) {
				VarveRun virtualRun = varve(settings, WRITERS, 1, virtualThreads);
				virtualMany = virtualRun.measurement().plus(virtualMany);
				virtualGroupSum += virtualRun.averageGroup();
				int virtualGroup = (int) Math.max(1, Math.round(virtualRun.averageGroup()));
				virtualCeiling = raw(settings, virtualGroup, false).measurement().plus(virtualCeiling);
				Scenario.progress(String.format(
						"round %d: 64 virtual-thread writers %,.0f ev/s (avg group %.1f), raw batches of %d %,.0f ev/s",
						round + 1, virtualMany.rate(), virtualRun.averageGroup(), virtualGroup, virtualCeiling.rate()));
			}
			bytes[0] += single.bytesPerCommit() / settings.rounds();
			bytes[1] += run.bytesPerCommit() / settings.rounds();
			bytes[2] += rawSingle.bytesPerCommit() / settings.rounds();
			bytes[3] += rawGroup.bytesPerCommit() / settings.rounds();
			Scenario.progress(String.format(
					"round %d: Varve 1 writer %,.0f ev/s, 64 writers %,.0f ev/s (avg group %.1f), raw per-event %,.0f ev/s, raw batches of %d %,.0f ev/s (pre-zeroed file %,.0f ev/s)",
					round + 1, one.rate(), many.rate(), run.averageGroup(), rawOne.rate(), group, ceiling.rate(),
					zeroedCeiling.rate()));
		}
		double group = groupSum / settings.rounds();
		GroupSizes.Cycle cycle = cycles.over(settings.rounds());
		String cycleNote = String.format(java.util.Locale.ROOT,
				" Where Varve's cycle goes (writer thread, 64 writers, averaged over the measured commits): %.0f µs "
						+ "from one commit to the next = %.0f µs applying the group's requests + %.0f µs in LMDB's "
						+ "commit with its two flushes + %.0f µs completing the callers' futures (waking %.0f parked "
						+ "threads) and taking the next group.",
				cycle.total(), cycle.apply(), cycle.commit(), cycle.rest(), group);
		Scenario.progress("cycle:" + cycleNote);
		String cpuNote = cpuNote(varveCpu, many, ceilingCpu, ceiling);
		Scenario.progress("cpu:" + cpuNote);
		lastAverageGroup = group;
		String written = String.format(java.util.Locale.ROOT,
				" Bytes written to the device per commit (sectors written, /sys/block: with the file system's journal, "
						+ "and for Varve the zeros it keeps ahead of its file): Varve 1 writer %.0f KiB, raw per-event %.0f KiB; "
						+ "Varve 64 writers %.0f KiB per group, raw batch of the same size %.0f KiB (the layout "
						+ "diagnostics below show the same for raw LMDB writing Varve's tables).",
				bytes[0] / 1024, bytes[2] / 1024, bytes[1] / 1024, bytes[3] / 1024);
		Scenario.progress("per commit:" + written);
		String durability = "Every acknowledged append is on disk: Varve Durability.SYNC and the raw env both use "
				+ "LMDB's default commit, which fdatasyncs the data pages and then writes the meta page through an "
				+ "O_DSYNC descriptor (strace of 200 durable Varve appends: 200 fdatasync, ~540 pwrite), so both pay "
				+ "the same two device flushes per commit. Varve keeps zeroed space ahead of its data file, so its "
				+ "commits overwrite allocated blocks instead of growing the file (on ext4 a commit that grows the "
				+ "file also waits for a journal commit); the raw env grows its file as LMDB does by default (the "
				+ "pre-zeroed row below gives it the same head start)";
		List<Row> rows = new ArrayList<>(List.of(
				new Row("2. Durable appends, 1 writer", "append(stream, exact(v), 1 event), SYNC, 1 thread", one,
						"raw lmdbjava: 1 event per txn, synced, 1 thread", rawOne, Double.NaN,
						durability + ". Shows Varve's cost per commit over raw LMDB when nothing can be grouped."
								+ written),
				new Row("2. Durable appends, 64 writers vs 1", "same, 64 threads (one stream each)", many,
						"Varve itself, 1 thread", one, 25,
						"Group commit: 64 callers share commits. Average group measured through a CommitListener: "
								+ String.format("%.1f", group) + " events per commit."),
				new Row("2. Durable appends, 64 writers vs ceiling", "same, 64 threads", many,
						String
							.format("raw lmdbjava: 1 thread, synced batches of %.0f events (Varve's avg group)", group),
						ceiling, 0.8,
						durability + ". The ceiling commits batches of Varve's average group size from one thread: "
								+ "what a perfect group commit would reach." + written + cycleNote + cpuNote),
				new Row("2. Durable appends, 64 writers vs ceiling in a pre-zeroed file", "same, 64 threads", many,
						String
							.format("the ceiling, its data file zero-filled ahead of the run (batches of %.0f)", group),
						zeroedCeiling, Double.NaN,
						"Diagnostic: the ceiling with the head start Varve gives itself: zeros written and flushed "
								+ "past the end of its data file before the run, so its commits overwrite allocated "
								+ "blocks as Varve's do."),
				new Row("2. Durable appends, 64 writers vs raw per-event", "same, 64 threads", many,
						"raw lmdbjava: 1 event per txn, synced", rawOne, Double.NaN,
						"What group commit buys over committing each event on its own."),
				new Row("2. Durable appends, 64 writers over 9,984 streams",
						"same, 64 threads, each appending across 156 streams of its own", spread,
						"Varve, 64 threads, one stream each", many, Double.NaN,
						String.format(java.util.Locale.ROOT,
								"Diagnostic: the same load spread over many streams, as an application with many "
										+ "aggregates has; each writer visits its streams in a scattered order with "
										+ "exact expected versions. Average group %.1f events, %.0f KiB written to the "
										+ "device per commit (one stream each: %.0f KiB). A group writes one stream head per "
										+ "append, and with many streams those heads sit on as many pages: see the "
										+ "stream-heads table of the layout diagnostics.",
								spreadGroupSum / settings.rounds(), bytes[4] / 1024, bytes[1] / 1024))));
		if (virtualThreads != null) {
			double virtualGroup = virtualGroupSum / settings.rounds();
			String threads = "The same 64 writers, each a virtual thread (Java " + Runtime.version().feature()
					+ "), as a Spring Boot application with spring.threads.virtual.enabled runs its requests: "
					+ "the JDK parks and resumes them on its carrier threads without the operating system "
					+ "switching threads, and Varve's writer thread commits every group (an LMDB write "
					+ "transaction must end on the thread that began it). Average group "
					+ String.format(java.util.Locale.ROOT, "%.1f", virtualGroup) + " events per commit.";
			rows.add(new Row("2. Durable appends, 64 virtual-thread writers vs 1",
					"same, 64 virtual threads (one stream each)", virtualMany, "Varve, 1 (platform) thread", one, 25,
					threads + " Compared with the one-writer row above, whose appends commit on their own thread."));
			rows.add(new Row("2. Durable appends, 64 virtual-thread writers vs ceiling", "same, 64 virtual threads",
					virtualMany,
					String.format(java.util.Locale.ROOT,
							"raw lmdbjava: 1 thread, synced batches of %.0f events (their avg group)", virtualGroup),
					virtualCeiling, 0.8,
					threads + " The ceiling commits batches of the group size these writers reached, from one "
							+ "thread, as for platform threads."));
		}
		return rows;
	}

	/**
	 * How busy the cores were during the measured windows of Varve's 64 writers and of
	 * the ceiling, and the kernel's part of it.
	 */
	private static String cpuNote(CpuTime varve, Measurement many, CpuTime ceiling, Measurement raw) {
		int cores = Runtime.getRuntime().availableProcessors();
		return String.format(java.util.Locale.ROOT,
				" CPU use over the measured windows (/proc/self/stat): Varve's 64 writers kept the %d cores %.0f%% "
						+ "busy, %s, %.1f µs of CPU per event; the ceiling %.0f%%, %s, %.1f µs per event.",
				cores, 100 * varve.coreShare(many.nanos()), kernel(varve),
				varve.totalNanos() / 1e3 / Math.max(1, many.events()), 100 * ceiling.coreShare(raw.nanos()),
				kernel(ceiling), ceiling.totalNanos() / 1e3 / Math.max(1, raw.events()));
	}

	private static String kernel(CpuTime cpu) {
		double share = cpu.kernelShare();
		return Double.isNaN(share) ? "kernel share unknown"
				: String.format(java.util.Locale.ROOT, "%.0f%% of it in the kernel", 100 * share);
	}

	static VarveRun varve(Settings settings, int writers) {
		return varve(settings, writers, 1);
	}

	/**
	 * Runs durable single-event appends from several threads.
	 * @param settings the run's settings
	 * @param writers the number of threads
	 * @param streamsPerWriter how many streams of its own each thread appends to
	 * @return the measurement
	 */
	static VarveRun varve(Settings settings, int writers, int streamsPerWriter) {
		return varve(settings, writers, streamsPerWriter, LoadThreads.PLATFORM);
	}

	/**
	 * Runs durable single-event appends from several threads of the given kind.
	 * @param settings the run's settings
	 * @param writers the number of threads
	 * @param streamsPerWriter how many streams of its own each thread appends to
	 * @param threads makes the writers' threads
	 * @return the measurement
	 */
	static VarveRun varve(Settings settings, int writers, int streamsPerWriter, ThreadFactory threads) {
		Path directory;
		Measurement measurement;
		double group;
		double bytesPerCommit;
		GroupSizes.Cycle cycle;
		CpuTime cpu;
		double flushesPerEvent;
		try (Varve varve = Stores.varve(settings.workDir(), "durable-varve", Durability.SYNC)) {
			directory = varve.path();
			long[] versions = new long[writers * streamsPerWriter];
			GroupSizes counter = GroupSizes.attach(varve);
			CpuTime[] cpuAt = new CpuTime[2];
			DeviceStats[] deviceAt = new DeviceStats[2];
			measurement = Load.run(threads, writers, settings.warmupMillis(), settings.measureMillis(), (worker, i) -> {
				// Stream worker + writers * k: each thread owns its streams, so no append
				// conflicts; with one stream per writer that is cart-<worker>.
				int stream = worker + writers * (int) ((i * STRIDE) % streamsPerWriter);
				varve.append("cart-" + stream, ExpectedVersion.exact(versions[stream]),
						Events.event(stream, versions[stream]));
				versions[stream]++;
				return 1;
			}, () -> {
				counter.reset();
				cpuAt[0] = CpuTime.now();
				deviceAt[0] = DeviceStats.of(varve.path());
			}, () -> {
				cpuAt[1] = CpuTime.now();
				deviceAt[1] = DeviceStats.of(varve.path());
			});
			bytesPerCommit = DeviceStats.of(varve.path()).bytesPer(deviceAt[0], counter.commits());
			flushesPerEvent = deviceAt[1].flushesPer(deviceAt[0], measurement.events());
			group = counter.average();
			cycle = counter.cycle();
			cpu = cpuAt[1].since(cpuAt[0]);
		}
		Stores.delete(directory);
		return new VarveRun(measurement, group, bytesPerCommit, cycle, cpu, flushesPerEvent);
	}

	/**
	 * A Varve load and the average group size of its measured window.
	 *
	 * @param measurement the load's measurement
	 * @param averageGroup events per commit
	 * @param bytesPerCommit bytes written to disk per commit
	 * @param cycle where a group commit's cycle went
	 * @param cpu the process's CPU time over the measured window
	 * @param flushesPerEvent device cache flushes per event over the measured window (NaN
	 * when the system does not tell)
	 */
	record VarveRun(Measurement measurement, double averageGroup, double bytesPerCommit, GroupSizes.Cycle cycle,
			CpuTime cpu, double flushesPerEvent) {

	}

	/**
	 * Raw durable commits of a fixed batch size from one thread.
	 * @param settings the run's settings
	 * @param batch events per commit
	 * @param zeroed whether to zero-fill the data file ahead of the run first (outside
	 * the timed load), with room for far more than it writes
	 */
	private static RawRun raw(Settings settings, int batch, boolean zeroed) {
		Path directory = Stores.freshDirectory(settings.workDir(), "durable-raw");
		Measurement measurement;
		double bytesPerCommit;
		CpuTime[] cpuAt = new CpuTime[2];
		try (RawLmdb raw = RawLmdb.open(directory, true)) {
			if (zeroed) {
				raw.zeroAhead(ZEROED_BYTES_PER_SECOND * (settings.warmupMillis() + settings.measureMillis()) / 1000);
			}
			long[] version = new long[1];
			byte[][] values = new byte[batch][];
			DeviceStats[] start = new DeviceStats[1];
			measurement = Load.run(1, settings.warmupMillis(), settings.measureMillis(), (worker, i) -> {
				for (int e = 0; e < batch; e++) {
					values[e] = Events.encode(Events.event(e, version[0]++));
				}
				if (batch == 1) {
					raw.appendOne(values[0]);
				}
				else {
					raw.appendBatch(values);
				}
				return batch;
			}, () -> {
				start[0] = DeviceStats.of(directory);
				cpuAt[0] = CpuTime.now();
			}, () -> cpuAt[1] = CpuTime.now());
			bytesPerCommit = DeviceStats.of(directory).bytesPer(start[0], (double) measurement.events() / batch);
		}
		Stores.delete(directory);
		return new RawRun(measurement, bytesPerCommit, cpuAt[1].since(cpuAt[0]));
	}

	/**
	 * A raw load.
	 *
	 * @param measurement the load's measurement
	 * @param bytesPerCommit bytes written to disk per commit
	 * @param cpu the process's CPU time over the measured window, or null if not taken
	 */
	private record RawRun(Measurement measurement, double bytesPerCommit, CpuTime cpu) {

	}

}
