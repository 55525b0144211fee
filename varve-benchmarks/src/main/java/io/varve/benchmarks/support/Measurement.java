package io.varve.benchmarks.support;

/**
 * What one side of a comparison achieved.
 *
 * @param events events processed during the measured window
 * @param nanos length of the measured window
 * @param latencies per-operation latencies, or {@link Latencies#none()}
 */
public record Measurement(long events, long nanos, Latencies latencies) {

	/** Events per second. */
	public double rate() {
		return (this.nanos > 0) ? this.events * 1e9 / this.nanos : 0;
	}

	/**
	 * Pools another window of the same work: events, time and latency samples add up.
	 * @param other the other window, or null
	 * @return the pooled measurement
	 */
	public Measurement plus(Measurement other) {
		if (other == null) {
			return this;
		}
		return new Measurement(this.events + other.events, this.nanos + other.nanos,
				this.latencies.merge(other.latencies));
	}

	/**
	 * Times a single-threaded task.
	 * @param task the task, returning the number of events it processed
	 * @return the measurement
	 */
	public static Measurement time(CountingTask task) {
		long start = System.nanoTime();
		long events = task.run();
		return new Measurement(events, System.nanoTime() - start, Latencies.none());
	}

	/** A task that reports how many events it processed. */
	@FunctionalInterface
	public interface CountingTask {

		long run();

	}

}
