package io.varve.benchmarks.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

import io.varve.benchmarks.report.Row;
import io.varve.benchmarks.scenario.DurableLoads.CeilingRun;
import io.varve.benchmarks.scenario.DurableLoads.RawRun;
import io.varve.benchmarks.scenario.DurableLoads.VarveRun;
import io.varve.benchmarks.support.CpuTime;
import io.varve.benchmarks.support.GroupSizes;
import io.varve.benchmarks.support.LoadThreads;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.Settings;

/**
 * Scenario 2: durable single-event appends. Varve ({@code SYNC}) with 1 writer against
 * the flush ceiling (one small record written and flushed per append: the least a durable
 * append costs on the device) and against raw lmdbjava committing once per event; with 64
 * concurrent writers (each its own stream, {@code exact} expected versions) against one
 * raw thread committing durable batches of Varve's measured average group size, and
 * spread over 9,984 streams against one stream each. On Java 21 and later the 64 writers
 * also run as virtual threads, against raw batches of the group size they reach.
 */
public final class DurableAppendScenario implements Scenario {

	static final int WRITERS = 64;

	/** Streams per writer in the many-streams row: 64 x 156 = 9,984 streams in all. */
	private static final int STREAMS_PER_WRITER = 156;

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
		Measurement ceiling = null;
		double oneFlushes = 0;
		double ceilingFlushes = 0;
		Measurement many = null;
		Measurement rawOne = null;
		Measurement rawGroups = null;
		Measurement zeroedGroups = null;
		Measurement spread = null;
		Measurement floor = null;
		CpuTime floorCpu = null;
		double floorGroupSum = 0;
		double groupSum = 0;
		double spreadGroupSum = 0;
		double[] bytes = new double[5];
		GroupSizes.Cycle cycles = new GroupSizes.Cycle(0, 0, 0, 0);
		GroupSizes.Cycle spreadCycles = new GroupSizes.Cycle(0, 0, 0, 0);
		CpuTime varveCpu = null;
		CpuTime rawCpu = null;
		ThreadFactory virtualThreads = LoadThreads.virtualOrNull();
		Measurement virtualMany = null;
		Measurement virtualRaw = null;
		double virtualGroupSum = 0;
		for (int round = 0; round < settings.rounds(); round++) {
			VarveRun single = DurableLoads.varve(settings, 1);
			one = single.measurement().plus(one);
			oneFlushes += single.flushesPerEvent() * single.measurement().events();
			CeilingRun flushCeiling = DurableLoads.ceiling(settings);
			ceiling = flushCeiling.measurement().plus(ceiling);
			ceilingFlushes += flushCeiling.flushesPerEvent() * flushCeiling.measurement().events();
			VarveRun run = DurableLoads.varve(settings, WRITERS);
			many = run.measurement().plus(many);
			groupSum += run.averageGroup();
			cycles = cycles.plus(run.cycle());
			varveCpu = run.cpu().plus(varveCpu);
			DurableLoads.FloorRun floorRun = DurableLoads.groupFlushFloor(settings, WRITERS);
			floor = floorRun.measurement().plus(floor);
			floorCpu = floorRun.cpu().plus(floorCpu);
			floorGroupSum += floorRun.averageGroup();
			VarveRun spreadRun = DurableLoads.varve(settings, WRITERS, STREAMS_PER_WRITER);
			spread = spreadRun.measurement().plus(spread);
			spreadGroupSum += spreadRun.averageGroup();
			spreadCycles = spreadCycles.plus(spreadRun.cycle());
			bytes[4] += spreadRun.bytesPerCommit() / settings.rounds();
			int group = (int) Math.max(1, Math.round(run.averageGroup()));
			RawRun rawSingle = DurableLoads.raw(settings, 1, false);
			rawOne = rawSingle.measurement().plus(rawOne);
			RawRun rawGroup = DurableLoads.raw(settings, group, false);
			rawGroups = rawGroup.measurement().plus(rawGroups);
			rawCpu = rawGroup.cpu().plus(rawCpu);
			zeroedGroups = DurableLoads.raw(settings, group, true).measurement().plus(zeroedGroups);
			if (virtualThreads != null) {
				VarveRun virtualRun = DurableLoads.varve(settings, WRITERS, 1, virtualThreads);
				virtualMany = virtualRun.measurement().plus(virtualMany);
				virtualGroupSum += virtualRun.averageGroup();
				int virtualGroup = (int) Math.max(1, Math.round(virtualRun.averageGroup()));
				virtualRaw = DurableLoads.raw(settings, virtualGroup, false).measurement().plus(virtualRaw);
				Scenario.progress(String.format(Locale.ROOT,
						"round %d: 64 virtual-thread writers %,.0f ev/s (avg group %.1f), raw batches of %d %,.0f ev/s",
						round + 1, virtualMany.rate(), virtualRun.averageGroup(), virtualGroup, virtualRaw.rate()));
			}
			bytes[0] += single.bytesPerCommit() / settings.rounds();
			bytes[1] += run.bytesPerCommit() / settings.rounds();
			bytes[2] += rawSingle.bytesPerCommit() / settings.rounds();
			bytes[3] += rawGroup.bytesPerCommit() / settings.rounds();
			Scenario.progress(String.format(Locale.ROOT,
					"round %d: Varve 1 writer %,.0f ev/s, flush ceiling %,.0f ev/s, 64 writers %,.0f ev/s (avg group "
							+ "%.1f), raw per-event %,.0f ev/s, raw batches of %d %,.0f ev/s (pre-zeroed file %,.0f ev/s)",
					round + 1, one.rate(), ceiling.rate(), many.rate(), run.averageGroup(), rawOne.rate(), group,
					rawGroups.rate(), zeroedGroups.rate()));
		}
		double group = groupSum / settings.rounds();
		lastAverageGroup = group;
		double flushesPerAppend = oneFlushes / one.events();
		double ceilingFlushesPerAppend = ceilingFlushes / ceiling.events();
		double cpuPerEvent = microsPerEvent(varveCpu, many);
		double rawCpuPerEvent = microsPerEvent(rawCpu, rawGroups);
		GroupSizes.Cycle cycle = cycles.over(settings.rounds());
		GroupSizes.Cycle spreadCycle = spreadCycles.over(settings.rounds());
		double spreadGroup = spreadGroupSum / settings.rounds();
		String cycleNote = String.format(Locale.ROOT,
				" Where Varve's cycle goes (writer thread, 64 writers, averaged over the measured commits): %.0f µs "
						+ "from one commit to the next = %.0f µs applying the group's requests + %.0f µs committing "
						+ "it durably (its device flushes included) + %.0f µs completing the callers' futures (waking "
						+ "%.0f parked threads) and taking the next group.",
				cycle.total(), cycle.apply(), cycle.commit(), cycle.rest(), group);
		String cpuNote = cpuNote(varveCpu, many, rawCpu, rawGroups);
		String written = String.format(Locale.ROOT,
				" Bytes written to the device per commit (sectors written, /sys/block: with the file system's journal, "
						+ "and for Varve the zeros it keeps ahead of its file): Varve 1 writer %.0f KiB, raw per-event %.0f KiB; "
						+ "Varve 64 writers %.0f KiB per group, raw batch of the same size %.0f KiB (the layout "
						+ "diagnostics below show the same for raw LMDB writing Varve's tables).",
				bytes[0] / 1024, bytes[2] / 1024, bytes[1] / 1024, bytes[3] / 1024);
		Scenario.progress("cycle:" + cycleNote);
		Scenario.progress("cpu:" + cpuNote);
		Scenario.progress("per commit:" + written);
		String flushes = String.format(Locale.ROOT,
				" Device cache flushes per append, counted in /sys/block over the measured windows: Varve %s, the "
						+ "flush ceiling %s.",
				DurableLoads.flushes(flushesPerAppend), DurableLoads.flushes(ceilingFlushesPerAppend));
		String durability = "Every acknowledged append is on disk: Varve uses Durability.SYNC; the raw env uses "
				+ "LMDB's default commit, which fdatasyncs the data pages and then writes the meta page through an "
				+ "O_DSYNC descriptor: two device flushes per commit. Varve keeps zeroed space ahead of its data "
				+ "file, so its commits overwrite allocated blocks instead of growing the file (on ext4 a commit "
				+ "that grows the file also waits for a journal commit); the raw env grows its file as LMDB does by "
				+ "default (the pre-zeroed row gives it the same head start)";
		String ceilingNote = "The flush ceiling: the least a durable append costs on this device. One thread appends "
				+ "per call one record (a 16-byte header with length, CRC32C and sequence number, and the event's "
				+ "Smile bytes: about 200 bytes) to a file zero-filled and flushed before the run, with "
				+ "FileChannel.write and then FileChannel.force(false) (fdatasync), so each append waits for one "
				+ "device flush and no file-system metadata; the file is in the same directory as the stores. Varve "
				+ "uses Durability.SYNC, 1 thread, exact expected versions." + flushes;
		String raw = "raw lmdbjava: 1 thread, synced batches of %.0f events (%s avg group)";
		List<Row> rows = new ArrayList<>();
		rows.add(
				new Row("2. 1 durable writer vs the flush ceiling", "append(stream, exact(v), 1 event), SYNC, 1 thread",
						one, "one ~200-byte record written + force(false) per append, preallocated file, 1 thread",
						ceiling, 0.85, ceilingNote));
		rows.add(Row.figure("2. 1 durable writer: device flushes per append (counted in /sys/block)", "same", one,
				"the flush ceiling: " + DurableLoads.flushes(ceilingFlushesPerAppend) + " per append",
				new Row.Figure(flushesPerAppend, ""), 1.05,
				"Device cache flushes completed (/sys/block/<disk>/stat, field 16) over the measured windows of "
						+ "Varve's 1-writer loads, divided by the appends in them. The counter is the whole disk's: "
						+ "other processes flushing the same disk add to it, which the flush ceiling's count, taken "
						+ "the same way, shows (its appends flush exactly once each)."
						+ " Not measured where the kernel does not report flushes (before 5.5) or the disk is not "
						+ "a block device."));
		rows.add(new Row("2. 1 durable writer vs raw lmdbjava, one commit per append (two flushes)", "same", one,
				"raw lmdbjava: 1 event per txn, synced, 1 thread", rawOne, Double.NaN,
				durability + ". Shows Varve's cost per append over a raw LMDB commit when nothing can be grouped."
						+ written));
		rows.add(new Row("2. 64 durable writers vs 1", "same, 64 threads (one stream each)", many,
				"Varve itself, 1 thread", one, Double.NaN,
				"Group commit: 64 callers share commits. Average group measured through a CommitListener: "
						+ String.format(Locale.ROOT, "%.1f", group) + " events per commit. Its former target "
						+ "(25x) is retired: a faster lone writer lowers this ratio."));
		double floorCpuPerEvent = microsPerEvent(floorCpu, floor);
		String floorNote = floorNote(floorCpu, floor, floorGroupSum / settings.rounds());
		rows.add(Row.figure("2. 64 durable writers: CPU per event", "same, 64 threads", many, String.format(Locale.ROOT,
				"the group-flush floor (64 threads, one record flushed per group, no store): %.1f µs; "
						+ "raw lmdbjava committing the same group sizes: %.1f µs",
				floorCpuPerEvent, rawCpuPerEvent), new Row.Figure(cpuPerEvent, "µs"), 12,
				"The process's CPU time (user and kernel, /proc/self/stat) over the measured windows of the 64-writer "
						+ "loads, divided by the events appended in them: the callers' hand-off to the writer and "
						+ "back, the writer's work, and everything else the JVM did meanwhile (JIT, GC)." + cpuNote
						+ floorNote));
		rows.add(new Row("2. 64 durable writers vs the group-flush floor", "same, 64 threads", many,
				"64 threads handing events to one thread that flushes each group as one record (no store)", floor,
				Double.NaN,
				"The least a group commit from 64 blocking platform threads costs on this machine: the hand-off "
						+ "to one thread and back and one flush per group, with no store, index or checks."
						+ floorNote));
		rows.add(new Row("2. 64 durable writers vs raw lmdbjava committing the same group sizes (two flushes)",
				"same, 64 threads", many, String.format(Locale.ROOT, raw, group, "Varve's"), rawGroups, Double.NaN,
				durability + ". The raw thread commits batches of Varve's average group size: what a perfect group "
						+ "commit over LMDB's two flushes would reach. On a disk with fast flushes the callers' "
						+ "hand-off, not the flush, bounds this (see the CPU row)." + written + cycleNote));
		rows.add(new Row("2. 64 durable writers vs raw lmdbjava in a pre-zeroed file", "same, 64 threads", many,
				String
					.format(Locale.ROOT, "the same raw batches, data file zero-filled ahead of the run (%.0f)", group),
				zeroedGroups, Double.NaN,
				"Diagnostic: the raw batches with the head start Varve gives itself: zeros written and flushed "
						+ "past the end of the data file before the run, so its commits overwrite allocated "
						+ "blocks as Varve's do."));
		rows.add(new Row("2. 64 durable writers vs raw per-event", "same, 64 threads", many,
				"raw lmdbjava: 1 event per txn, synced", rawOne, Double.NaN,
				"What group commit buys over committing each event on its own."));
		rows.add(new Row("2. 64 durable writers over ~10,000 streams vs one stream each",
				"same, 64 threads, each appending across 156 streams of its own (9,984 in all)", spread,
				"Varve, 64 threads, one stream each", many, 0.95,
				String.format(Locale.ROOT,
						"The same load spread over many streams, as an application with many aggregates has; each "
								+ "writer visits its streams in a scattered order with exact expected versions. Average "
								+ "group %.1f events, %.0f KiB written to the device per commit (one stream each: %.0f "
								+ "KiB). The writer thread, which applies every group in turn, spends %.2f µs per event "
								+ "applying the groups' requests (%.0f µs per group) against %.2f µs with one stream "
								+ "each (%.0f µs per group); its whole cycle from one commit to the next takes %.0f µs "
								+ "against %.0f µs. Over many streams each event looks up and rewrites its stream's "
								+ "head and index block in tables of ~10,000 streams instead of 64. See the "
								+ "stream-heads table of the layout diagnostics for what per-stream writes in the "
								+ "durable commit cost raw LMDB.",
						spreadGroup, bytes[4] / 1024, bytes[1] / 1024, spreadCycle.apply() / spreadGroup,
						spreadCycle.apply(), cycle.apply() / group, cycle.apply(), spreadCycle.total(),
						cycle.total())));
		if (virtualThreads != null) {
			double virtualGroup = virtualGroupSum / settings.rounds();
			String threads = "The same 64 writers, each a virtual thread (Java " + Runtime.version().feature()
					+ "), as a Spring Boot application with spring.threads.virtual.enabled runs its requests: "
					+ "the JDK parks and resumes them on its carrier threads without the operating system "
					+ "switching threads. Average group " + String.format(Locale.ROOT, "%.1f", virtualGroup)
					+ " events per commit.";
			rows.add(new Row("2. 64 durable virtual-thread writers vs 1", "same, 64 virtual threads (one stream each)",
					virtualMany, "Varve, 1 (platform) thread", one, Double.NaN,
					threads + " Compared with the one-writer rows above, whose appends commit on their own thread."));
			rows.add(new Row("2. 64 durable virtual-thread writers vs raw lmdbjava committing the same group sizes",
					"same, 64 virtual threads", virtualMany, String.format(Locale.ROOT, raw, virtualGroup, "their"),
					virtualRaw, Double.NaN, threads + " The raw thread commits batches of the group size these "
							+ "writers reached, as for platform threads."));
		}
		return rows;
	}

	private static double microsPerEvent(CpuTime cpu, Measurement measurement) {
		return cpu.totalNanos() / 1e3 / Math.max(1, measurement.events());
	}

	/**
	 * How busy the cores were during the measured windows of Varve's 64 writers and of
	 * the raw batches, and the kernel's part of it.
	 */
	private static String cpuNote(CpuTime varve, Measurement many, CpuTime raw, Measurement rawGroups) {
		int cores = Runtime.getRuntime().availableProcessors();
		return String.format(Locale.ROOT,
				" CPU use over the measured windows (/proc/self/stat): Varve's 64 writers kept the %d cores %.0f%% "
						+ "busy, %s, %.1f µs of CPU per event; the raw batches %.0f%%, %s, %.1f µs per event.",
				cores, 100 * varve.coreShare(many.nanos()), kernel(varve), microsPerEvent(varve, many),
				100 * raw.coreShare(rawGroups.nanos()), kernel(raw), microsPerEvent(raw, rawGroups));
	}

	private static String floorNote(CpuTime cpu, Measurement floor, double group) {
		return String.format(Locale.ROOT,
				" The group-flush floor (the same 64 platform threads each handing an encoded event to one "
						+ "thread that writes whatever is queued as one record, flushes it once and completes "
						+ "their futures; no store): %,.0f events/s in groups of %.1f, %.1f µs of CPU per event, %s. "
						+ "Every blocking append parks its thread once and is woken once; on this machine that "
						+ "alone costs the CPU shown.",
				floor.rate(), group, microsPerEvent(cpu, floor), kernel(cpu));
	}

	private static String kernel(CpuTime cpu) {
		double share = cpu.kernelShare();
		return Double.isNaN(share) ? "kernel share unknown"
				: String.format(Locale.ROOT, "%.0f%% of it in the kernel", 100 * share);
	}

}
