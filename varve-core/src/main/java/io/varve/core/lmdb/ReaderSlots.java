package io.varve.core.lmdb;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.lmdbjava.Env;

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
 * The table is shared by every process that opens the store, so it can also be full with
 * other processes' readers, which this process cannot count. A read that finds it full
 * waits too, trying again after a pause that grows from {@value #FIRST_PAUSE_MICROS} µs
 * to {@value #LAST_PAUSE_MILLIS} ms, for as long as a read waits here for a slot:
 * {@value #WAIT_SECONDS} s in all.
 *
 * <p>
 * A few table entries are kept back for what does not pass through here: LMDB's own short
 * transactions at open, and other processes inspecting the store read-only.
 */
final class ReaderSlots {

	/** How long a read waits for a free slot before giving up. */
	static final long WAIT_SECONDS = 30;

	static final long FIRST_PAUSE_MICROS = 100;

	static final long LAST_PAUSE_MILLIS = 20;

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
	 * @return when the read stops waiting, on the {@link System#nanoTime()} clock, also
	 * for LMDB's table ({@link #pause})
	 * @throws StorageException if none frees up within {@link #WAIT_SECONDS}
	 */
	long acquire() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
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
			throw interrupted(ex);
		}
		return deadline;
	}

	void release() {
		this.permits.release();
	}

	/**
	 * How long to wait before trying LMDB's full reader table again.
	 * @param deadline when the read stops waiting
	 * @param attempt how many times the table was found full, from 1
	 * @return the pause in nanoseconds, or 0 when the deadline has passed
	 */
	static long pause(long deadline, int attempt) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			return 0;
		}
		long pause = TimeUnit.MICROSECONDS.toNanos(FIRST_PAUSE_MICROS) << Math.min(attempt - 1, 20);
		return Math.max(1, Math.min(left, Math.min(pause, TimeUnit.MILLISECONDS.toNanos(LAST_PAUSE_MILLIS))));
	}

	/**
	 * Runs something that takes an entry of LMDB's reader table (opening, a backup),
	 * trying again while the table is full, as a read does.
	 * @param <T> the result type
	 * @param work what to run
	 * @param directory the store directory, for messages
	 * @return the result
	 * @throws Env.ReadersFullException if the table stayed full for {@link #WAIT_SECONDS}
	 */
	static <T> T whenTableHasRoom(Supplier<T> work, Path directory) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
		for (int attempt = 1;; attempt++) {
			try {
				return work.get();
			}
			catch (Env.ReadersFullException ex) {
				long pause = pause(deadline, attempt);
				if (pause == 0) {
					throw ex;
				}
				LockSupport.parkNanos(pause);
				if (Thread.interrupted()) {
					Thread.currentThread().interrupt();
					throw new VarveException("Interrupted while waiting for a free entry in the reader table of "
							+ "the Varve store at " + directory + "; nothing was done", ex);
				}
			}
		}
	}

	VarveException interrupted(Exception ex) {
		return new VarveException("Interrupted while waiting for a read snapshot of the Varve store at "
				+ this.directory + "; the read did not run", ex);
	}

}
