package io.varve.benchmarks.support;

import java.util.Arrays;

/**
 * Operation latencies of one measurement, in nanoseconds, with percentiles.
 */
public final class Latencies {

	private static final Latencies NONE = new Latencies(new long[0]);

	private final long[] sorted;

	private Latencies(long[] sorted) {
		this.sorted = sorted;
	}

	/** No latencies recorded (throughput-only measurements). */
	public static Latencies none() {
		return NONE;
	}

	/**
	 * Merges per-thread samples.
	 * @param samples one array per thread
	 * @param counts how many entries of each array are used
	 * @return the latencies
	 */
	public static Latencies of(long[][] samples, int[] counts) {
		int total = 0;
		for (int count : counts) {
			total += count;
		}
		long[] all = new long[total];
		int at = 0;
		for (int i = 0; i < samples.length; i++) {
			System.arraycopy(samples[i], 0, all, at, counts[i]);
			at += counts[i];
		}
		Arrays.sort(all);
		return new Latencies(all);
	}

	/**
	 * All samples of two measurements together.
	 * @param other the other latencies
	 * @return the merged latencies
	 */
	public Latencies merge(Latencies other) {
		if (other.isEmpty()) {
			return this;
		}
		if (isEmpty()) {
			return other;
		}
		long[] merged = new long[this.sorted.length + other.sorted.length];
		int a = 0;
		int b = 0;
		for (int i = 0; i < merged.length; i++) {
			boolean takeA = b >= other.sorted.length || (a < this.sorted.length && this.sorted[a] <= other.sorted[b]);
			merged[i] = takeA ? this.sorted[a++] : other.sorted[b++];
		}
		return new Latencies(merged);
	}

	/** Whether any latency was recorded. */
	public boolean isEmpty() {
		return this.sorted.length == 0;
	}

	/** Number of samples. */
	public int count() {
		return this.sorted.length;
	}

	/**
	 * A percentile in microseconds (nearest rank), or NaN without samples.
	 * @param percent the percentile, 0 to 100
	 * @return the latency in microseconds
	 */
	public double percentileMicros(double percent) {
		if (this.sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(percent / 100.0 * this.sorted.length);
		int index = Math.min(this.sorted.length - 1, Math.max(0, rank - 1));
		return this.sorted[index] / 1000.0;
	}

}
