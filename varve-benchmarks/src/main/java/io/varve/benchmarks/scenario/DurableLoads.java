package io.varve.benchmarks.scenario;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

import io.varve.Durability;
import io.varve.ExpectedVersion;
import io.varve.Varve;
import io.varve.benchmarks.support.CpuTime;
import io.varve.benchmarks.support.DeviceStats;
import io.varve.benchmarks.support.Events;
import io.varve.benchmarks.support.FlushCeiling;
import io.varve.benchmarks.support.GroupFlushFloor;
import io.varve.benchmarks.support.GroupSizes;
import io.varve.benchmarks.support.Load;
import io.varve.benchmarks.support.LoadThreads;
import io.varve.benchmarks.support.Measurement;
import io.varve.benchmarks.support.RawLmdb;
import io.varve.benchmarks.support.Settings;
import io.varve.benchmarks.support.Stores;

/**
 * The durable write loads that scenarios 2, 5 and 8 alternate with their comparisons:
 * Varve's durable appends, raw lmdbjava's synced commits, and the flush ceiling, each in
 * a fresh directory under the work directory (so all on the same device), deleted
 * afterwards.
 */
final class DurableLoads {

	/**
	 * Prime, coprime with every streams-per-writer count used: scatters a writer's
	 * streams.
	 */
	private static final long STRIDE = 7_919;

	/**
	 * Zeros ahead of the pre-zeroed raw ceiling per second of its load (it writes < 20
	 * MB/s).
	 */
	private static final long ZEROED_BYTES_PER_SECOND = 48L << 20;

	/**
	 * The flush ceiling's file; its records start again at its start when they reach its
	 * end.
	 */
	private static final long CEILING_FILE_BYTES = 32L << 20;

	private DurableLoads() {
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
		GroupSizes counter = new GroupSizes();
		try (Varve varve = Stores.varve(settings.workDir(), "durable-varve", Durability.SYNC, counter)) {
			directory = varve.path();
			long[] versions = new long[writers * streamsPerWriter];
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
	 * Raw durable commits of a fixed batch size from one thread.
	 * @param settings the run's settings
	 * @param batch events per commit
	 * @param zeroed whether to zero-fill the data file ahead of the run first (outside
	 * the timed load), with room for far more than it writes
	 * @return the measurement
	 */
	static RawRun raw(Settings settings, int batch, boolean zeroed) {
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
	 * The flush ceiling from one thread: each append encodes a benchmark event, writes it
	 * as one record and flushes it ({@link FlushCeiling}).
	 * @param settings the run's settings
	 * @return the measurement
	 */
	static CeilingRun ceiling(Settings settings) {
		Path directory = Stores.freshDirectory(settings.workDir(), "flush-ceiling");
		Measurement measurement;
		long records;
		DeviceStats[] deviceAt = new DeviceStats[2];
		try (FlushCeiling ceiling = FlushCeiling.create(directory.resolve("records"), CEILING_FILE_BYTES)) {
			measurement = Load.run(1, settings.warmupMillis(), settings.measureMillis(), (worker, i) -> {
				ceiling.append(Events.encode(Events.event(0, i)));
				return 1;
			}, () -> deviceAt[0] = DeviceStats.of(directory), () -> deviceAt[1] = DeviceStats.of(directory));
			records = ceiling.count();
		}
		Stores.delete(directory);
		return new CeilingRun(measurement, deviceAt[1].flushesPer(deviceAt[0], measurement.events()), records);
	}

	/**
	 * The group-flush floor from several threads: each append hands an encoded event to
	 * one thread that flushes whatever is queued as one record ({@link GroupFlushFloor}).
	 * @param settings the run's settings
	 * @param writers the number of threads
	 * @return the measurement, its CPU time and average group
	 */
	static FloorRun groupFlushFloor(Settings settings, int writers) {
		Path directory = Stores.freshDirectory(settings.workDir(), "group-flush-floor");
		Measurement measurement;
		CpuTime[] cpuAt = new CpuTime[2];
		int[] counts = new int[4];
		try (GroupFlushFloor floor = new GroupFlushFloor(
				FlushCeiling.create(directory.resolve("records"), CEILING_FILE_BYTES))) {
			long[] versions = new long[writers];
			measurement = Load.run(writers, settings.warmupMillis(), settings.measureMillis(), (worker, i) -> {
				floor.append(Events.encode(Events.event(worker, versions[worker]++)));
				return 1;
			}, () -> {
				counts[0] = floor.groups();
				counts[1] = floor.events();
				cpuAt[0] = CpuTime.now();
			}, () -> {
				cpuAt[1] = CpuTime.now();
				counts[2] = floor.groups();
				counts[3] = floor.events();
			});
		}
		Stores.delete(directory);
		double group = (double) (counts[3] - counts[1]) / Math.max(1, counts[2] - counts[0]);
		return new FloorRun(measurement, cpuAt[1].since(cpuAt[0]), group);
	}

	/**
	 * Device flushes per unit as the notes show them.
	 * @param perUnit flushes per append or event, NaN when the system does not tell
	 * @return the text
	 */
	static String flushes(double perUnit) {
		return Double.isNaN(perUnit) ? "(not reported)" : String.format(Locale.ROOT, "%.2f", perUnit);
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
	 * A raw load.
	 *
	 * @param measurement the load's measurement
	 * @param bytesPerCommit bytes written to disk per commit
	 * @param cpu the process's CPU time over the measured window
	 */
	record RawRun(Measurement measurement, double bytesPerCommit, CpuTime cpu) {

	}

	/**
	 * A group-flush floor load.
	 *
	 * @param measurement the load's measurement
	 * @param cpu the process's CPU time over the measured window
	 * @param averageGroup events per flush
	 */
	record FloorRun(Measurement measurement, CpuTime cpu, double averageGroup) {

	}

	/**
	 * A flush-ceiling load.
	 *
	 * @param measurement the load's measurement
	 * @param flushesPerEvent device cache flushes per append over the measured window
	 * (NaN when the system does not tell)
	 * @param records records written in all, warm-up included
	 */
	record CeilingRun(Measurement measurement, double flushesPerEvent, long records) {

	}

}
