package io.varve.core.lmdb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

import org.agrona.DirectBuffer;
import org.jspecify.annotations.Nullable;
import org.lmdbjava.Txn;

import io.varve.StorageException;
import io.varve.core.durability.CheckpointFile;
import io.varve.core.durability.Flushes;
import io.varve.core.durability.Journal;
import io.varve.core.util.Threads;

/**
 * Checkpoints of a writable store: LMDB's commits are not flushed (the journal makes them
 * durable), so now and then, on a thread of their own, the data file is flushed up to a
 * transaction and that transaction recorded in the {@link CheckpointFile}, after which
 * the journal's older segments can be reused. Until the next checkpoint is durable, a
 * read transaction pins the last one, so LMDB never overwrites its pages: an OS crash can
 * always go back to it ({@link MetaPages}). A checkpoint runs every second while there
 * are commits, and as soon as the journal has taken 32 MiB since the last one.
 */
final class Checkpoints {

	private static final System.Logger LOGGER = System.getLogger(Checkpoints.class.getName());

	/** How often a lasting run of failed checkpoints is logged again. */
	private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

	static final long INTERVAL_MILLIS = 1000;

	static final long JOURNAL_BYTES = 32L << 20;

	private final LmdbStorageEngine engine;

	/** Serialises checkpoints. */
	private final Object checkpointing = new Object();

	private final Object signal = new Object();

	private @Nullable Txn<DirectBuffer> pin;

	private @Nullable FileChannel data;

	private long counter;

	private int generation;

	private volatile long checkpointSequence = -1;

	private volatile long bytesSince;

	private volatile boolean stopping;

	private @Nullable Thread thread;

	/** Whether the last checkpoint failed (checkpoint thread only). */
	private boolean failing;

	private long lastFailureLog;

	private long failures;

	/** Tries of the checkpoint thread deferred while a failed batch was brought back. */
	private volatile long deferrals;

	Checkpoints(LmdbStorageEngine engine) {
		this.engine = engine;
	}

	/**
	 * Takes the first checkpoint of this open (with the new journal generation) and
	 * starts the thread.
	 */
	void start(CheckpointFile.@Nullable Checkpoint previous, int generation) {
		this.counter = (previous != null) ? previous.counter() : 0;
		this.generation = generation;
		checkpoint(false);
		Thread started = new Thread(this::run, "varve-checkpoint[" + this.engine.directory().getFileName() + "]");
		started.setDaemon(true);
		this.thread = started;
		started.start();
	}

	/**
	 * Pins the store as it is now (the last checkpoint, before the journal's replay): the
	 * first checkpoint moves the pin on.
	 */
	void pinCurrent() {
		synchronized (this.checkpointing) {
			if (this.pin == null) {
				this.pin = ReaderSlots.whenTableHasRoom(this.engine.env()::txnRead, this.engine.directory());
			}
		}
	}

	/** The journal took a record of this many bytes; called under the write lock. */
	void written(int bytes) {
		long total = this.bytesSince + bytes;
		this.bytesSince = total;
		if (total >= JOURNAL_BYTES && total - bytes < JOURNAL_BYTES) {
			synchronized (this.signal) {
				this.signal.notifyAll();
			}
		}
	}

	private void run() {
		boolean backOff = false;
		while (!this.stopping) {
			synchronized (this.signal) {
				// After a try that took no checkpoint, the next one waits for the
				// interval even with the journal past its threshold: else the thread
				// would spin, taking the write lock over and over while the cause lasts.
				if ((backOff || this.bytesSince < JOURNAL_BYTES) && !this.stopping) {
					try {
						this.signal.wait(INTERVAL_MILLIS);
					}
					catch (InterruptedException ex) {
						// stopping is checked below
					}
				}
			}
			if (this.stopping) {
				break;
			}
			backOff = !tryCheckpoint();
		}
	}

	/**
	 * One try of the checkpoint thread.
	 * @return whether it took a checkpoint
	 */
	private boolean tryCheckpoint() {
		if (this.engine.batchLost()) {
			deferred();
			return false;
		}
		if (this.engine.committedSequence() == this.checkpointSequence) {
			return false;
		}
		try {
			checkpoint(false);
		}
		catch (BatchNotInTables ex) {
			// The batch failed while this try waited for the write lock.
			deferred();
			return false;
		}
		catch (RuntimeException ex) {
			logFailure(ex);
			return false;
		}
		if (this.failing) {
			LOGGER.log(Level.INFO, "Checkpoints of Varve store " + this.engine.directory() + " succeed again after "
					+ this.failures + " failed attempts");
			this.failing = false;
			this.failures = 0;
		}
		return true;
	}

	/**
	 * Not a failure: the writer is bringing a batch that failed to commit back from the
	 * journal (growing the map for it, say), and the next try follows it.
	 */
	private void deferred() {
		this.deferrals = this.deferrals + 1;
	}

	/**
	 * How many of the checkpoint thread's tries found a failed batch not yet brought back
	 * from the journal (tests).
	 */
	long deferrals() {
		return this.deferrals;
	}

	/**
	 * Logs a failed checkpoint: the first of a run of failures with its stack trace, then
	 * one line a minute while they go on (a checkpoint is tried every second), so that a
	 * lasting cause (a full disk, a directory removed under the store) does not flood the
	 * log.
	 */
	private void logFailure(RuntimeException ex) {
		long now = System.nanoTime();
		this.failures++;
		if (!this.failing) {
			this.failing = true;
			this.lastFailureLog = now;
			LOGGER.log(Level.WARNING, "A checkpoint of Varve store " + this.engine.directory()
					+ " failed; the journal keeps every write until one succeeds", ex);
		}
		else if (now - this.lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
			this.lastFailureLog = now;
			LOGGER.log(Level.WARNING, "Checkpoints of Varve store " + this.engine.directory() + " still fail ("
					+ this.failures + " attempts so far; the journal keeps every write): " + ex.getMessage());
		}
	}

	/**
	 * Flushes the data file up to the newest commit, records it as the checkpoint, moves
	 * the pin to it and lets the journal reuse what the checkpoint holds.
	 * @param clean whether the store closes after it (no write may follow)
	 */
	void checkpoint(boolean clean) {
		synchronized (this.checkpointing) {
			// Shared use of the map for the whole checkpoint: closing (and growing) waits
			// for it, so the environment is never freed under it.
			long stamp = this.engine.mapGuard().shared();
			try {
				checkpointHoldingMap(clean);
			}
			finally {
				this.engine.mapGuard().releaseShared(stamp);
			}
		}
	}

	private void checkpointHoldingMap(boolean clean) {
		ReentrantLock lock = this.engine.writeLock();
		Journal journal = this.engine.journalFile();
		long txnId;
		byte[] meta;
		long sequence;
		int pageSize;
		long mark;
		Txn<DirectBuffer> newPin;
		lock.lock();
		try {
			this.engine.checkOpen();
			if (this.engine.batchLost()) {
				// The journal holds acknowledged groups the tables do not yet: its
				// records stay until they are brought in.
				throw new BatchNotInTables("Acknowledged writes of the Varve store at " + this.engine.directory()
						+ " are only in its journal until their commit to the tables succeeds");
			}
			txnId = this.engine.env().info().lastTransactionId;
			pageSize = this.engine.env().stat().pageSize;
			meta = MetaPages.read(data(), txnId, pageSize);
			sequence = this.engine.committedSequence();
			mark = journal.mark();
			newPin = ReaderSlots.whenTableHasRoom(this.engine.env()::txnRead, this.engine.directory());
			this.bytesSince = 0;
		}
		catch (IOException ex) {
			throw new StorageException("Could not read the meta page of the store at " + this.engine.directory()
					+ " for a checkpoint: " + ex, ex);
		}
		finally {
			lock.unlock();
		}
		try {
			flushData();
			CheckpointFile.write(this.engine.directory(), new CheckpointFile.Checkpoint(this.counter + 1, txnId,
					sequence, this.generation, pageSize, meta, clean), this.engine.groupAccess());
		}
		catch (RuntimeException ex) {
			newPin.close();
			throw ex;
		}
		this.counter++;
		this.checkpointSequence = sequence;
		Txn<DirectBuffer> old = this.pin;
		this.pin = newPin;
		if (old != null) {
			old.close();
		}
		lock.lock();
		try {
			journal.recycleBefore(mark);
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Takes a checkpoint if a transaction committed since the last one, so that the pages
	 * the pin held can be reused.
	 * @return whether one was taken
	 */
	boolean checkpointIfBehind() {
		if (this.engine.committedSequence() == this.checkpointSequence) {
			return false;
		}
		checkpoint(false);
		return true;
	}

	/** The checkpoint's one flush of LMDB's pages; the map guard is held. */
	private void flushData() {
		Path file = this.engine.directory().resolve(DataFileCheck.DATA_FILE);
		try {
			this.engine.checkOpen();
			Flushes.before(file);
			this.engine.env().sync(true);
			Flushes.after(file);
		}
		catch (RuntimeException ex) {
			throw LmdbErrors.translateWrite(ex, "flush for a checkpoint", this.engine.directory(),
					this.engine.directory());
		}
	}

	private FileChannel data() throws IOException {
		if (this.data == null) {
			this.data = FileChannel.open(this.engine.directory().resolve(DataFileCheck.DATA_FILE),
					StandardOpenOption.READ);
		}
		return this.data;
	}

	/** Stops the thread, waiting for a checkpoint in progress. */
	void stop() {
		this.stopping = true;
		synchronized (this.signal) {
			this.signal.notifyAll();
		}
		Thread running = this.thread;
		if (running != null) {
			Threads.joinUninterruptibly(running);
		}
	}

	/** Ends the pin and closes the data file; before the environment closes. */
	void unpin() {
		synchronized (this.checkpointing) {
			if (this.pin != null) {
				this.pin.close();
				this.pin = null;
			}
			if (this.data != null) {
				try {
					this.data.close();
				}
				catch (IOException ex) {
					// closing
				}
				this.data = null;
			}
		}
	}

	/**
	 * A checkpoint refused because the journal holds acknowledged groups of a batch that
	 * failed to commit and is not yet brought back into the tables.
	 */
	static final class BatchNotInTables extends StorageException {

		private static final long serialVersionUID = 1L;

		BatchNotInTables(String message) {
			super(message);
		}

	}

}
