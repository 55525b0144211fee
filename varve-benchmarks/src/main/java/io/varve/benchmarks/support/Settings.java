package io.varve.benchmarks.support;

import java.nio.file.Path;

/**
 * Sizes and places of one comparison run, derived from the {@code --size} factor so that
 * the default run (size 1) takes about ten minutes on a 2-core machine.
 *
 * @param size the scale factor
 * @param workDir where stores are created (and deleted afterwards)
 * @param outDir where results.md and the chart are written
 */
public record Settings(double size, Path workDir, Path outDir) {

	/** Events written by each side of the batched no-sync append scenario, per round. */
	public long batchEvents() {
		return scaled(300_000, 50_000);
	}

	/** Events in the log read by the whole-log read scenario. */
	public long logEvents() {
		return scaled(1_000_000, 50_000);
	}

	/** Events in the log a processor catches up on (1M at size 1). */
	public long catchUpEvents() {
		return scaled(1_000_000, 50_000);
	}

	/** Events in the single stream read forward. */
	public long streamEvents() {
		return scaled(200_000, 10_000);
	}

	/** Events in the log scanned and replayed by the memory probe (10M at size 1). */
	public long memoryEvents() {
		return scaled(10_000_000, 100_000);
	}

	/** Events in the peer's store for its full read. */
	public long peerReadEvents() {
		return scaled(200_000, 10_000);
	}

	/** Warm-up of each timed load, in milliseconds. */
	public long warmupMillis() {
		return Math.max(500, Math.round(2_000 * Math.min(1.0, this.size)));
	}

	/** Measured window of each timed load, in milliseconds. */
	public long measureMillis() {
		return Math.max(1_000, Math.round(4_000 * Math.min(2.0, this.size)));
	}

	/** Alternating rounds of each timed-load pair (a few seconds per side and round). */
	public int rounds() {
		return (this.size < 0.5) ? 1 : 3;
	}

	/**
	 * Alternating rounds of short pairs (reads, batched appends): many short turns, so
	 * that load from other processes on a shared machine falls on both sides alike.
	 */
	public int shortRounds() {
		return (this.size < 0.5) ? 2 : 8;
	}

	private long scaled(long base, long minimum) {
		return Math.max(minimum, Math.round(base * this.size));
	}

}
