package io.varve.benchmarks.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by this process so far, split into user and kernel time where the OS
 * tells (Linux's {@code /proc/self/stat}); elsewhere the JVM's total with no split.
 *
 * @param userNanos time in user mode
 * @param kernelNanos time in the kernel (0 where unknown)
 * @param split whether the two are known apart
 */
public record CpuTime(long userNanos, long kernelNanos, boolean split) {

	private static final Path STAT = Path.of("/proc/self/stat");

	/** Linux reports utime and stime in clock ticks of 1/100 s (USER_HZ). */
	private static final long NANOS_PER_TICK = 10_000_000L;

	/**
	 * The process's CPU time now.
	 * @return the sample
	 */
	public static CpuTime now() {
		try {
			String stat = Files.readString(STAT);
			// The command name (field 2) is in parentheses and may hold spaces: count
			// fields from the last ')'.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and
			// 12.
			return new CpuTime(Long.parseLong(fields[11]) * NANOS_PER_TICK, Long.parseLong(fields[12]) * NANOS_PER_TICK,
					true);
		}
		catch (IOException | RuntimeException ex) {
			java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
			long total = (os instanceof com.sun.management.OperatingSystemMXBean sun) ? sun.getProcessCpuTime() : 0;
			return new CpuTime(Math.max(0, total), 0, false);
		}
	}

	/**
	 * The CPU time used from an earlier sample to this one.
	 * @param earlier the earlier sample
	 * @return the difference
	 */
	public CpuTime since(CpuTime earlier) {
		return new CpuTime(this.userNanos - earlier.userNanos, this.kernelNanos - earlier.kernelNanos,
				this.split && earlier.split);
	}

	/**
	 * Adds another interval's CPU time.
	 * @param other the other interval, or null
	 * @return the sum
	 */
	public CpuTime plus(CpuTime other) {
		if (other == null) {
			return this;
		}
		return new CpuTime(this.userNanos + other.userNanos, this.kernelNanos + other.kernelNanos,
				this.split && other.split);
	}

	/** Total CPU time. */
	public long totalNanos() {
		return this.userNanos + this.kernelNanos;
	}

	/**
	 * How busy the machine's cores were with this process over a wall-clock window.
	 * @param windowNanos the window
	 * @return the fraction of all cores' time, 0 to 1
	 */
	public double coreShare(long windowNanos) {
		int cores = Runtime.getRuntime().availableProcessors();
		return (windowNanos > 0) ? (double) totalNanos() / ((double) windowNanos * cores) : 0;
	}

	/** The kernel's share of the CPU time, or NaN when not known. */
	public double kernelShare() {
		return (this.split && totalNanos() > 0) ? (double) this.kernelNanos / totalNanos() : Double.NaN;
	}

}
