package io.varve.core.lmdb;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.varve.StorageException;
import io.varve.VarveException;

/**
 * Bounds the read snapshots this process holds open at once, below LMDB's reader table
 * size. LMDB fails a transaction outright when its table is full; a thread pool or
 * thousands of virtual threads reading at once would see that failure. Here they queue
 * instead (fairly, in arrival order) and proceed as soon as a snapshot closes, which with
 * Varve's short, chunked reads is a matter of microseconds.
 *
 * <p>
 * A few table entries are kept back for what does not pass through here: LMDB's own short
 * transactions at open, and other processes inspecting the store read-only.
 */
final class ReaderSlots {

	/** How long a read waits for a free slot before giving up. */
	static final long WAIT_SECONDS = 30;

	private static final int MAX_RESERVE = 64;

	private final Semaphore permits;

	private final int limit;

	private final Path directory;

	ReaderSlots(int lmdbMaxReaders, Path directory) {
		this.limit = limit(lmdbMaxReaders);
		this.permits = new Semaphore(this.limit, true);
		this.directory = directory;
	}

	/**
	 * The snapshots one process may hold at once for a reader table of a given size.
	 * @param lmdbMaxReaders the size of LMDB's reader table
	 * @return the limit, at least 1
	 */
	static int limit(int lmdbMaxReaders) {
		int reserve = Math.min(MAX_RESERVE, Math.max(2, lmdbMaxReaders / 8));
		return Math.max(1, lmdbMaxReaders - reserve);
	}

	/** The number of snapshots this process may hold at once. */
	int limit() {
		return this.limit;
	}

	/**
	 * Takes a slot, waiting for one to free up.
	 * @throws StorageException if none frees up within {@link #WAIT_SECONDS}
	 */
	void acquire() {
		try {
			if (!this.permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
				throw new StorageException("All " + this.limit + " read snapshots of the Varve store at "
						+ this.directory + " stayed in use for " + WAIT_SECONDS
						+ " s; close streams from scanStream/scanAll promptly, do not read while holding a snapshot, "
						+ "or raise the reader limit (VarveBuilder.maxReaders, property varve.max-readers)");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VarveException("Interrupted while waiting for a read snapshot of the Varve store at "
					+ this.directory + "; the read did not run", ex);
		}
	}

	void release() {
		this.permits.release();
	}

}
