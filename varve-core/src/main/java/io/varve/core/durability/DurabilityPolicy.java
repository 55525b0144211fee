package io.varve.core.durability;

import java.time.Duration;

import io.varve.Durability;
import io.varve.core.storage.CommitSync;

/**
 * Every decision that follows from the durability a store was opened with, in one place:
 * what each commit flushes, whether preallocating the data file pays, whether a periodic
 * sync runs, and whether closing flushes what the commits did not.
 *
 * @param durability what an acknowledged append must survive
 * @param syncInterval how often to flush when commits do not, or null for never
 */
public record DurabilityPolicy(Durability durability, Duration syncInterval) {

	/** What each commit flushes to the device. */
	public CommitSync commitSync() {
		return switch (this.durability) {
			case SYNC, NO_META_SYNC -> CommitSync.FLUSH;
			case NO_SYNC -> CommitSync.NONE;
		};
	}

	/**
	 * Whether to keep zeroed space ahead of the data file. Only commits that flush wait
	 * for the file system's journal when they grow the file, so it pays only for them.
	 * @param wanted whether the user asked for preallocation
	 * @return whether to preallocate
	 */
	public boolean preallocates(boolean wanted) {
		return wanted && this.durability != Durability.NO_SYNC;
	}

	/** Whether a background task flushes the store every {@link #syncInterval()}. */
	public boolean syncsPeriodically() {
		return this.syncInterval != null && this.durability != Durability.SYNC;
	}

	/**
	 * Whether closing a writable store flushes it: every mode but {@link Durability#SYNC}
	 * leaves commits the device has not seen.
	 */
	public boolean syncsOnClose() {
		return this.durability != Durability.SYNC;
	}

}
