package io.varve.benchmarks.support;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Consumes decoded events so the JIT cannot skip decoding, and lets two sides prove they
 * read the same events.
 */
public final class Checksum implements Consumer<Object> {

	private long count;

	private long sum;

	@Override
	public void accept(Object event) {
		ItemAdded item = (ItemAdded) event;
		this.count++;
		this.sum = this.sum * 31 + item.unitPriceCents() + item.quantity() + item.sku().length();
	}

	/** Events consumed. */
	public long count() {
		return this.count;
	}

	/** A digest of the consumed events, in order. */
	public long sum() {
		return this.sum;
	}

	/**
	 * Fails unless two checksums saw the same events in the same order.
	 * @param other the other side's checksum
	 * @param what what was read, for the message
	 */
	public void requireSame(Checksum other, String what) {
		if (this.count != other.count || this.sum != other.sum) {
			throw new IllegalStateException("The two sides of '" + what + "' read different events: " + this.count
					+ " vs " + other.count + " events, digest " + this.sum + " vs " + other.sum);
		}
	}

	/**
	 * Times a read and keeps its checksum.
	 * @param sums where to keep the checksum
	 * @param slot the index in {@code sums}
	 * @param read the read, returning its checksum
	 * @return the events read and the time it took
	 */
	public static Measurement timed(Checksum[] sums, int slot, Supplier<Checksum> read) {
		long start = System.nanoTime();
		Checksum sum = read.get();
		long elapsed = System.nanoTime() - start;
		sums[slot] = sum;
		return new Measurement(sum.count(), elapsed, Latencies.none());
	}

}
